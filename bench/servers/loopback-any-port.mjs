/**
 * Preloaded (`node --import`) into the original sample, which hard-codes `app.listen(3000)`: its
 * listening socket binds 127.0.0.1 on a free port instead, so the bench never collides with a stack
 * on :3000 and never listens beyond loopback, and the port is printed as `bench-port <n>`. The
 * sample's own code runs unchanged.
 */
import net from 'node:net';

const listen = net.Server.prototype.listen;
/** @this {net.Server} @param {unknown[]} args */
net.Server.prototype.listen = function listenOnLoopback(...args) {
  if (typeof args[0] !== 'number') return listen.apply(this, args);
  const callback = args.find((arg) => typeof arg === 'function');
  this.once('listening', () => {
    const address = this.address();
    process.stdout.write(`bench-port ${typeof address === 'object' && address ? address.port : 0}\n`);
  });
  return callback ? listen.call(this, 0, '127.0.0.1', callback) : listen.call(this, 0, '127.0.0.1');
};

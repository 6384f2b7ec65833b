/** Our express app on node:http, as a bench target in its own process; prints its port. */
import { readServerConfig } from '../../server/config.ts';
import { createApp } from '../../server/http/app.ts';

const server = createApp(readServerConfig()).listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`${typeof address === 'object' && address ? address.port : 0}\n`);
});

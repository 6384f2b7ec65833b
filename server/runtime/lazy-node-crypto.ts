/**
 * `node:crypto` for the Lambda bundles, loaded by its first use instead of at INIT. Importing
 * `node:crypto` as an ES module loads its internal modules (ciphers, key generation, X.509) and
 * Web Crypto, which the ES module facade touches while it copies the exports: about 13 ms of a
 * cold start's INIT on Node 22, and a `tools/list` needs none of it (the logger draws a random
 * number only for debug-log sampling, the tasks extension only when it stores a task). The
 * authorizer hashes its static tokens at INIT, so there this saves only the facade.
 *
 * The build resolves the `node:crypto` imports of server/ and of the Powertools logger here
 * (shared/lazy-node-crypto-plugin.ts). One of them importing a name not exported below fails the
 * build (esbuild: no matching export), so neither a new import nor a logger upgrade can silently
 * get `undefined`: add the name here. Each function passes its arguments through unchanged.
 */
import type * as NodeCrypto from 'node:crypto';

let loaded: typeof NodeCrypto | undefined;

function nodeCrypto(): typeof NodeCrypto {
  loaded ??= process.getBuiltinModule('node:crypto');
  return loaded;
}

export const createHash: typeof NodeCrypto.createHash = (...args) => nodeCrypto().createHash(...args);

export const randomBytes = ((...args: Parameters<typeof NodeCrypto.randomBytes>) =>
  nodeCrypto().randomBytes(...args)) as typeof NodeCrypto.randomBytes;

export const randomInt = ((...args: Parameters<typeof NodeCrypto.randomInt>) =>
  nodeCrypto().randomInt(...args)) as typeof NodeCrypto.randomInt;

export const randomUUID: typeof NodeCrypto.randomUUID = (...args) => nodeCrypto().randomUUID(...args);

export const timingSafeEqual: typeof NodeCrypto.timingSafeEqual = (...args) => nodeCrypto().timingSafeEqual(...args);

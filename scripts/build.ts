/** `npm run build`: every Lambda bundle and zip, and the emulator's runtime bundle (shared/build.ts). */
import { buildAll } from '../shared/build.ts';

await buildAll();

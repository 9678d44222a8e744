// `node --import ./bench/ts-loader.mjs bench/run.ts`: installs ts-hooks.mjs.
import { register } from 'node:module';

register('./ts-hooks.mjs', import.meta.url);

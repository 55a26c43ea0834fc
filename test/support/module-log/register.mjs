// `node --import ./register.mjs …` with NASORCH_MODULE_LOG=FILE: appends the URL of every ES
// module the process resolves to FILE, one per line, to see what a command loads.
import { register } from 'node:module';

register('./hooks.mjs', import.meta.url, { data: { file: process.env.NASORCH_MODULE_LOG } });

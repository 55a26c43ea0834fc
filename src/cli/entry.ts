// The process entry of `nasorch` (bin/nasorch.js runs its compiled copy, `npm run dev` this file
// through tsx): runs the command line and hands its exit code to the process.
import { main } from './main.ts';

process.exitCode = await main(process.argv);

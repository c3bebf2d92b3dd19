/**
 * Offline plan of a stack: `npm run plan` (dev) or `npm run plan -- --stack prod [--json <file>]
 * [--diagram <file>]`. See plan/cli.ts for the options and exit statuses.
 */
import * as path from "path";
import { installTranspileCache } from "../plan/transpile-cache";

// Before anything else is loaded: every module below comes through the cache (plan/transpile-cache.ts).
installTranspileCache(path.resolve(__dirname, ".."));

// Loaded after the cache is installed, hence require rather than a (hoisted) import.
const cli: typeof import("../plan/cli") = require("../plan/cli");
cli.run(process.argv.slice(2));

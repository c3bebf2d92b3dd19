/**
 * Measures the test gate: wall time of the typecheck alone and of the whole `npm test`
 * (typecheck + mocha), median of N runs (default 3). Usage: npm run bench:test -- [--runs N]
 */
import { spawnSync } from "child_process";
import * as path from "path";

const ROOT = path.resolve(__dirname, "..");

function argValue(flag: string, fallback: number): number {
    const i = process.argv.indexOf(flag);
    return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

function timeCommand(command: string, args: string[]): number {
    const start = process.hrtime.bigint();
    const result = spawnSync(command, args, { cwd: ROOT, stdio: "ignore", env: { ...process.env, npm_config_loglevel: "silent" } });
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    if (result.status !== 0) {
        throw new Error(`${command} ${args.join(" ")} exited with ${result.status}`);
    }
    return seconds;
}

function median(values: number[]): number {
    const sorted = [...values].sort((a, b) => a - b);
    const mid = Math.floor(sorted.length / 2);
    return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const runs = argValue("--runs", 3);
const measurements: Record<string, number[]> = { "typecheck (tsc --noEmit)": [], "mocha (transpile-only)": [], "npm test (both)": [] };
for (let i = 0; i < runs; i++) {
    measurements["typecheck (tsc --noEmit)"].push(timeCommand("npx", ["tsc", "-p", "tsconfig.json", "--noEmit"]));
    measurements["mocha (transpile-only)"].push(timeCommand("npx", ["mocha"]));
    measurements["npm test (both)"].push(timeCommand("npm", ["test"]));
}
console.log(`node ${process.version}, ${require("os").cpus().length} cores, ${runs} runs each`);
for (const [name, values] of Object.entries(measurements)) {
    console.log(`${name.padEnd(28)} median ${median(values).toFixed(2)} s   runs: ${values.map((v) => v.toFixed(2)).join(", ")}`);
}

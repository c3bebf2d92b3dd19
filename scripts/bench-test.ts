/**
 * Measures the test gate: wall time of the typecheck alone (tsc 5.9, the gate's compiler, and
 * tsgo, TypeScript 7's native preview), mocha alone, and the whole `npm test`, median of N runs
 * (default 3). It also checks that both compilers report the same errors, which is the condition
 * for ever moving the gate to tsgo. Usage: npm run bench:test -- [--runs N]
 */
import { spawnSync } from "child_process";
import * as os from "os";
import * as path from "path";

const ROOT = path.resolve(__dirname, "..");

function argValue(flag: string, fallback: number): number {
    const i = process.argv.indexOf(flag);
    return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

function timeCommand(command: string, args: string[], allowFailure = false): { seconds: number; output: string } {
    const start = process.hrtime.bigint();
    const result = spawnSync(command, args, { cwd: ROOT, encoding: "utf8", env: { ...process.env, npm_config_loglevel: "silent" } });
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    if (result.status !== 0 && !allowFailure) {
        throw new Error(`${command} ${args.join(" ")} exited with ${result.status}\n${result.stdout}${result.stderr}`);
    }
    return { seconds, output: `${result.stdout}${result.stderr}` };
}

/** The set of `file(line,col): error TSnnnn` lines a compiler printed. */
function errorSet(output: string): string[] {
    return output
        .split("\n")
        .filter((l) => /error TS\d+/.test(l))
        .map((l) => l.trim())
        .sort();
}

function median(values: number[]): number {
    const sorted = [...values].sort((a, b) => a - b);
    const mid = Math.floor(sorted.length / 2);
    return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const runs = argValue("--runs", 3);
const measurements: Record<string, number[]> = { "typecheck: tsc 5.9 (gate)": [], "typecheck: tsgo 7 preview": [], "mocha (transpile-only)": [], "npm test (typecheck+mocha)": [] };
let tscErrors: string[] = [];
let tsgoErrors: string[] = [];
for (let i = 0; i < runs; i++) {
    const tsc = timeCommand("npx", ["tsc", "-p", "tsconfig.json", "--noEmit"], true);
    const tsgo = timeCommand("npx", ["tsgo", "-p", "tsconfig.json", "--noEmit"], true);
    measurements["typecheck: tsc 5.9 (gate)"].push(tsc.seconds);
    measurements["typecheck: tsgo 7 preview"].push(tsgo.seconds);
    tscErrors = errorSet(tsc.output);
    tsgoErrors = errorSet(tsgo.output);
    measurements["mocha (transpile-only)"].push(timeCommand("npx", ["mocha"]).seconds);
    measurements["npm test (typecheck+mocha)"].push(timeCommand("npm", ["test"]).seconds);
}
console.log(`node ${process.version}, ${os.cpus().length} cores, ${runs} runs each`);
for (const [name, values] of Object.entries(measurements)) {
    console.log(`${name.padEnd(28)} median ${median(values).toFixed(2)} s   runs: ${values.map((v) => v.toFixed(2)).join(", ")}`);
}
const same = JSON.stringify(tscErrors) === JSON.stringify(tsgoErrors);
console.log(`tsc and tsgo report ${same ? "the same" : "DIFFERENT"} errors (${tscErrors.length} vs ${tsgoErrors.length})`);

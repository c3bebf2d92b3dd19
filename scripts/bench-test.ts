/**
 * Measures the test gate: wall time of each step of `npm test` (prettier, eslint, the typecheck
 * with tsc 5.9, the gate's compiler, and with tsgo, TypeScript 7's native preview, mocha) and of
 * the whole `npm test`, median of N runs (default 3). It also checks that both compilers report
 * the same errors on a file of deliberate type errors, the condition for ever moving the gate to
 * tsgo. Usage: npm run bench:test -- [--runs N]
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
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

/**
 * Whether both compilers report the same errors where there are errors: a clean tree proves
 * nothing (both say 0). A temporary project extends the repository's tsconfig with one file of
 * deliberate mistakes against the real @pulumi/aws typings.
 */
function compilerAgreement(): { tsc: string[]; tsgo: string[] } {
    const dir = fs.mkdtempSync(path.join(ROOT, ".bench-typecheck-"));
    try {
        fs.writeFileSync(
            path.join(dir, "mistakes.ts"),
            [
                'import * as aws from "@pulumi/aws";',
                'new aws.s3.Bucket("b", { forceDestroy: "yes" });',
                'new aws.sqs.Queue("q", { visibilityTimeoutSeconds: "30" });',
                'new aws.kms.Key("k", { enableKeyRotaton: true });',
                'const n: number = new aws.sns.Topic("t").arn;',
                "export { n };",
                "",
            ].join("\n"),
        );
        fs.writeFileSync(path.join(dir, "tsconfig.json"), JSON.stringify({ extends: "../tsconfig.json", include: ["mistakes.ts"], compilerOptions: { noEmit: true } }));
        const rel = path.relative(ROOT, path.join(dir, "tsconfig.json"));
        return { tsc: errorSet(timeCommand("npx", ["tsc", "-p", rel], true).output), tsgo: errorSet(timeCommand("npx", ["tsgo", "-p", rel], true).output) };
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

const runs = argValue("--runs", 3);
const STEPS: [string, string, string[]][] = [
    ["prettier --check", "npm", ["run", "format:check"]],
    ["eslint (type-checked rules)", "npm", ["run", "lint"]],
    ["typecheck: tsc 5.9 (gate)", "npx", ["tsc", "-p", "tsconfig.json", "--noEmit"]],
    ["typecheck: tsgo 7 preview", "npx", ["tsgo", "-p", "tsconfig.json", "--noEmit"]],
    ["mocha (transpile-only)", "npm", ["run", "test:unit"]],
    ["npm test (the whole gate)", "npm", ["test"]],
];
const measurements = new Map<string, number[]>(STEPS.map(([name]) => [name, []]));
for (let i = 0; i < runs; i++) {
    for (const [name, command, args] of STEPS) {
        measurements.get(name)?.push(timeCommand(command, args).seconds);
    }
}
console.log(`node ${process.version}, ${os.cpus().length} cores, ${runs} runs each`);
for (const [name, values] of measurements) {
    console.log(`${name.padEnd(30)} median ${median(values).toFixed(2)} s   runs: ${values.map((v) => v.toFixed(2)).join(", ")}`);
}
const agreement = compilerAgreement();
const same = agreement.tsc.length > 0 && JSON.stringify(agreement.tsc) === JSON.stringify(agreement.tsgo);
console.log(`on a file of deliberate type errors, tsc and tsgo report ${same ? "the same" : "DIFFERENT"} errors (${agreement.tsc.length} vs ${agreement.tsgo.length})`);
if (!same) {
    console.log(`tsc:\n  ${agreement.tsc.join("\n  ")}\ntsgo:\n  ${agreement.tsgo.join("\n  ")}`);
}

/**
 * Measures the offline plan, side by side in one run (each round runs every case once, so all
 * cases see the same machine load), median of N rounds (default 5):
 *
 *   bare require      `node -e` that only requires @pulumi/pulumi, @pulumi/aws and @pulumi/awsx:
 *                     the floor any Pulumi TypeScript program pays before doing anything
 *   plan prod (npm)   `npm run plan -- --stack prod`: what users run (npm's start-up included)
 *   plan prod (node)  `node scripts/plan.js --stack prod`: the plan itself      target <= 2.0x bare
 *   plan prod cold    the node form with the transpile and V8 code caches off
 *                     (PLAN_TRANSPILE_CACHE=0 PLAN_COMPILE_CACHE=0): the first plan after npm ci
 *   peak RSS          of the prod plan process, as it reports itself (process.resourceUsage)
 *                                                                               target <= 300 MB
 *   scale             generated stacks with 5 and 50 services (prod's settings otherwise), in a
 *                     temporary project directory holding a copy of Pulumi.yaml; the plan runs the
 *                     repository's code on it (--project-dir)                  target <= 3.0x
 *
 * Also printed: the plan's own phase timings (program run, policy evaluation) from its progress
 * lines, to show where the time goes. Usage: npm run bench:plan -- [--runs N]
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse, stringify } from "yaml";

const ROOT = path.resolve(__dirname, "..");
const NODE_PLAN = [path.join(ROOT, "scripts", "plan.js")];

interface Sample {
    seconds: number;
    peakMb?: number;
    runSeconds?: number;
    policySeconds?: number;
    resources?: number;
}

function run(command: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): Sample {
    const start = process.hrtime.bigint();
    const result = spawnSync(command, args, { cwd: ROOT, encoding: "utf8", env: { ...process.env, npm_config_loglevel: "silent", ...env }, maxBuffer: 64 * 1024 * 1024 });
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    if (result.status !== 0) {
        throw new Error(`${command} ${args.join(" ")} exited with ${String(result.status)}\n${result.stdout.slice(-2000)}${result.stderr.slice(-4000)}`);
    }
    const stderr = result.stderr;
    const number = (re: RegExp) => {
        const m = re.exec(stderr);
        return m ? Number(m[1]) : undefined;
    };
    return {
        seconds,
        peakMb: number(/peak RSS (\d+) MB/),
        runSeconds: number(/resources registered in ([\d.]+) s/),
        policySeconds: number(/policies evaluated in ([\d.]+) s/),
        resources: number(/plan: (\d+) resources registered in/),
    };
}

function median(values: readonly number[]): number {
    const sorted = [...values].sort((a, b) => a - b);
    const mid = Math.floor(sorted.length / 2);
    return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** A project directory with Pulumi.yaml and generated stacks scale5 / scale50 (prod's settings). */
export function scaleProject(): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-bench-"));
    fs.copyFileSync(path.join(ROOT, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
    // Repository files the config may name (e.g. the mTLS truststore) resolve against the project dir.
    if (fs.existsSync(path.join(ROOT, "certs"))) {
        fs.symlinkSync(path.join(ROOT, "certs"), path.join(dir, "certs"));
    }
    const prod: unknown = parse(fs.readFileSync(path.join(ROOT, "Pulumi.prod.yaml"), "utf8"));
    if (prod === null || typeof prod !== "object" || !("config" in prod) || prod.config === null || typeof prod.config !== "object") {
        throw new Error("Pulumi.prod.yaml has no config mapping");
    }
    const config: Record<string, unknown> = { ...prod.config };
    const services: unknown = config["platform:services"];
    const template: unknown = Array.isArray(services) ? (services as unknown[])[0] : undefined;
    if (template === null || typeof template !== "object" || template === undefined) {
        throw new Error("Pulumi.prod.yaml has no platform:services entry to use as a template");
    }
    for (const count of [5, 50]) {
        const names = Array.from({ length: count }, (_, i) => `svc${String(i + 1).padStart(2, "0")}`);
        const services = names.map((name, i) => {
            const service: Record<string, unknown> = {
                ...(template as Record<string, unknown>),
                name,
                image: `123456789012.dkr.ecr.eu-west-1.amazonaws.com/${name}:1.0.0`,
                priority: (i + 1) * 10,
                hostPatterns: [`${name}.internal.example.com`],
                pathPatterns: [`/${name}`, `/${name}/*`],
                // Alternate the dependencies, so that every kind of wiring scales.
                usesDatabase: i % 2 === 0,
                usesCache: i % 3 === 0,
            };
            const api: unknown = (template as Record<string, unknown>).api;
            if (api !== null && typeof api === "object") {
                // The template's scopes, shared: Cognito app clients allow 50 OAuth scopes in all.
                service.api = { ...(api as Record<string, unknown>), basePath: name };
            }
            return service;
        });
        // Subscriptions keep their settings and are consumed by the first services.
        const subscriptions = Array.isArray(config["platform:eventSubscriptions"]) ? config["platform:eventSubscriptions"] : [];
        // Usage plans cover the first generated service (prod's plans name prod's services).
        const plans = Array.isArray(config["platform:apiUsagePlans"]) ? config["platform:apiUsagePlans"] : [];
        const stackConfig = {
            ...config,
            "platform:services": services,
            "platform:apiUsagePlans": plans.map((p: unknown) => (p !== null && typeof p === "object" && "services" in p ? { ...p, services: [names[0]] } : p)),
            "platform:eventSubscriptions": subscriptions.map((s: unknown, i) => (s !== null && typeof s === "object" ? { ...s, consumer: names[i % names.length] } : s)),
        };
        fs.writeFileSync(path.join(dir, `Pulumi.scale${count}.yaml`), stringify({ config: stackConfig }));
    }
    return dir;
}

function main(): void {
    const runsIndex = process.argv.indexOf("--runs");
    const runs = runsIndex >= 0 ? Number(process.argv[runsIndex + 1]) : 5;
    if (!Number.isInteger(runs) || runs < 5) {
        throw new Error(`--runs ${String(process.argv[runsIndex + 1])}: needs an integer of at least 5 (the figures are medians of >= 5 rounds)`);
    }
    const project = scaleProject();
    const prodPolicies = path.join(ROOT, "policies", "config", "prod.json");
    const cases: Record<string, () => Sample> = {
        "bare require (pulumi, aws, awsx)": () => run(process.execPath, ["-e", 'require("@pulumi/pulumi"); require("@pulumi/aws"); require("@pulumi/awsx")']),
        "plan prod: npm run plan": () => run("npm", ["run", "-s", "plan", "--", "--stack", "prod"]),
        "plan prod: node scripts/plan.js": () => run(process.execPath, [...NODE_PLAN, "--stack", "prod"]),
        "plan prod: node, cold (no cache)": () => run(process.execPath, [...NODE_PLAN, "--stack", "prod"], { PLAN_TRANSPILE_CACHE: "0", PLAN_COMPILE_CACHE: "0" }),
        "plan 5 services (node)": () => run(process.execPath, [...NODE_PLAN, "--stack", "scale5", "--project-dir", project, "--policy-config", prodPolicies]),
        "plan 50 services (node)": () => run(process.execPath, [...NODE_PLAN, "--stack", "scale50", "--project-dir", project, "--policy-config", prodPolicies]),
    };
    const samples: Record<string, Sample[]> = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
    try {
        // Warm-up: fills the transpile cache and the OS file cache; not counted.
        cases["plan prod: node scripts/plan.js"]();
        for (let i = 0; i < runs; i++) {
            for (const [name, measure] of Object.entries(cases)) {
                samples[name].push(measure());
            }
            process.stderr.write(`round ${i + 1}/${runs} done\n`);
        }
    } finally {
        fs.rmSync(project, { recursive: true, force: true });
    }

    const med = (name: string, pick: (s: Sample) => number | undefined) => {
        const values = samples[name].map(pick).filter((v): v is number => v !== undefined);
        return values.length > 0 ? median(values) : Number.NaN;
    };
    console.log(
        `node ${process.version}, ${os.cpus().length} cores, load average ${os
            .loadavg()
            .map((l) => l.toFixed(2))
            .join(" ")}, ${runs} rounds`,
    );
    console.log(`${"case".padEnd(36)} ${"median s".padStart(9)} ${"run s".padStart(7)} ${"policy s".padStart(9)} ${"RSS MB".padStart(7)} ${"resources".padStart(9)}   runs (s)`);
    for (const name of Object.keys(cases)) {
        const fmt = (v: number, digits = 2) => (Number.isNaN(v) ? "-" : v.toFixed(digits));
        console.log(
            `${name.padEnd(36)} ${fmt(med(name, (s) => s.seconds)).padStart(9)} ${fmt(med(name, (s) => s.runSeconds)).padStart(7)} ${fmt(med(name, (s) => s.policySeconds)).padStart(9)} ${fmt(
                med(name, (s) => s.peakMb),
                0,
            ).padStart(7)} ${fmt(
                med(name, (s) => s.resources),
                0,
            ).padStart(9)}   ${samples[name].map((s) => s.seconds.toFixed(2)).join(", ")}`,
        );
    }
    const bare = med("bare require (pulumi, aws, awsx)", (s) => s.seconds);
    const verdict = (ok: boolean) => (ok ? "met" : "MISSED");
    const npmRatio = med("plan prod: npm run plan", (s) => s.seconds) / bare;
    const nodeRatio = med("plan prod: node scripts/plan.js", (s) => s.seconds) / bare;
    const coldRatio = med("plan prod: node, cold (no cache)", (s) => s.seconds) / bare;
    const rss = Math.max(...samples["plan prod: node scripts/plan.js"].map((s) => s.peakMb ?? Number.NaN));
    const scale = med("plan 50 services (node)", (s) => s.seconds) / med("plan 5 services (node)", (s) => s.seconds);
    const engineScale =
        (med("plan 50 services (node)", (s) => s.runSeconds) + med("plan 50 services (node)", (s) => s.policySeconds)) /
        (med("plan 5 services (node)", (s) => s.runSeconds) + med("plan 5 services (node)", (s) => s.policySeconds));
    console.log("");
    // Judged like for like: the plan as node runs it against a bare node -e. npm run adds npm's own
    // start-up (printed alongside); cold is the first plan after npm ci (no caches yet).
    console.log(
        `prod plan / bare require: node ${nodeRatio.toFixed(2)}x (target <= 2.0x: ${verdict(nodeRatio <= 2)}); npm run plan ${npmRatio.toFixed(2)}x; cold ${coldRatio.toFixed(2)}x`,
    );
    console.log(`prod plan peak RSS: ${rss} MB (max of ${runs}; target <= 300 MB: ${verdict(rss <= 300)})`);
    console.log(`50 services / 5 services: ${scale.toFixed(2)}x whole plan (target <= 3.0x: ${verdict(scale <= 3)}); ${engineScale.toFixed(2)}x program run + policies`);
}

if (require.main === module) {
    main();
}

/**
 * The GitHub Actions workflows: schema-valid (action-validator, the SchemaStore workflow schema
 * compiled to WebAssembly inside the npm package, so it runs offline), and consistent with the
 * repository: every `npm run` script they call exists, every stack has its policy config, and the
 * delivery contract (preview on pull requests, dev -> staging -> prod on main) holds.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { type ValidationError, validateWorkflow } from "@action-validator/core";
import * as YAML from "yaml";

const ROOT = path.join(__dirname, "..");
const WORKFLOWS = path.join(ROOT, ".github", "workflows");

interface Step {
    name?: string;
    id?: string;
    if?: string;
    uses?: string;
    run?: string;
    with?: Record<string, unknown>;
    env?: Record<string, unknown>;
}

interface Job {
    name?: string;
    needs?: string | string[];
    if?: string;
    environment?: string | { name: string };
    concurrency?: string | { group: string; "cancel-in-progress"?: boolean | string };
    permissions?: string | Record<string, string>;
    strategy?: { matrix?: Record<string, unknown> };
    env?: Record<string, unknown>;
    steps?: Step[];
}

interface Workflow {
    on: Record<string, unknown>;
    permissions?: string | Record<string, string>;
    jobs: Record<string, Job>;
}

const workflowFiles = fs
    .readdirSync(WORKFLOWS)
    .filter((f) => f.endsWith(".yml") || f.endsWith(".yaml"))
    .sort();

function source(file: string): string {
    return fs.readFileSync(path.join(WORKFLOWS, file), "utf8");
}

function load(file: string): Workflow {
    return YAML.parse(source(file)) as Workflow;
}

/** Error paths and details, flattened from action-validator's nested `oneOf` states. */
function describeErrors(errors: readonly ValidationError[], depth = 0): string[] {
    return errors.flatMap((e) => {
        const where = "path" in e ? e.path : "location" in e && e.location ? `line ${e.location.line}` : "";
        const line = `${"  ".repeat(depth)}${where}: ${e.title}${e.detail ? ` (${e.detail})` : ""}`;
        const nested = "states" in e && e.states ? e.states.flatMap((s) => describeErrors(s.errors, depth + 1)) : [];
        return [line, ...nested];
    });
}

function allSteps(workflow: Workflow): { job: string; step: Step }[] {
    return Object.entries(workflow.jobs).flatMap(([job, j]) => (j.steps ?? []).map((step) => ({ job, step })));
}

/** Scripts a shell snippet calls as `npm run [flags] <name>` (or `npm test`). */
function npmScriptsIn(run: string): string[] {
    const scripts: string[] = [];
    for (const m of run.matchAll(/\bnpm\s+(?:run|run-script)\s+(?:--?[\w-]+\s+)*([\w:.-]+)/g)) {
        scripts.push(m[1]);
    }
    for (const m of run.matchAll(/\bnpm\s+(test|t)\b/g)) {
        scripts.push(m[1] === "t" ? "test" : m[1]);
    }
    return scripts;
}

/** Stacks with a Pulumi.<stack>.yaml at the repository root. */
const stacks = fs
    .readdirSync(ROOT)
    .map((f) => /^Pulumi\.([^.]+)\.yaml$/.exec(f)?.[1])
    .filter((s): s is string => s !== undefined)
    .sort();

function environmentName(job: Job): string | undefined {
    return typeof job.environment === "string" ? job.environment : job.environment?.name;
}

/** `owner/name@ref` of every `uses:` in the workflows. */
function actionRefs(): { file: string; uses: string }[] {
    return workflowFiles.flatMap((file) => allSteps(load(file)).flatMap(({ step }) => (step.uses ? [{ file, uses: step.uses }] : [])));
}

describe("GitHub Actions workflows", () => {
    it("has the pull-request and deploy workflows", () => {
        assert.deepStrictEqual(workflowFiles, ["deploy.yml", "pull-request.yml"]);
    });

    for (const file of workflowFiles) {
        it(`${file} is valid against the GitHub workflow schema`, () => {
            const result = validateWorkflow(source(file));
            assert.strictEqual(result.actionType, "workflow");
            assert.deepStrictEqual(describeErrors(result.errors), []);
        });
    }

    it("the schema validator rejects a broken workflow (the check above can fail)", () => {
        const broken = source("deploy.yml").replace("runs-on: ubuntu-latest", "runs_on: ubuntu-latest").replace("cancel-in-progress: false", "cancel-in-progress: sometimes");
        const errors = describeErrors(validateWorkflow(broken).errors).join("\n");
        assert.match(errors, /Additional property 'runs_on' is not allowed/);
        assert.match(errors, /\/jobs\/test\/runs-on: This property is required/);
        assert.match(errors, /cancel-in-progress/);
        assert.match(describeErrors(validateWorkflow("jobs: [").errors).join("\n"), /Parse Error/);
    });

    it("every `npm run <script>` a workflow calls exists in package.json", () => {
        const scripts = (JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts;
        const called = workflowFiles.flatMap((file) => allSteps(load(file)).flatMap(({ job, step }) => npmScriptsIn(step.run ?? "").map((script) => ({ file, job, script }))));
        assert.deepStrictEqual([...new Set(called.map((c) => c.script))].sort(), ["plan", "test"]);
        assert.deepStrictEqual(
            called.filter((c) => !(c.script in scripts)),
            [],
        );
    });

    it("finds npm scripts however they are called", () => {
        assert.deepStrictEqual(npmScriptsIn('npm ci && npm test\nnpm run --silent plan -- --stack "$STACK"\nnpm run-script lint:fix; npm t'), ["plan", "lint:fix", "test", "test"]);
        assert.deepStrictEqual(npmScriptsIn("npm ci --no-audit"), []);
    });

    it("every stack file has its policy config, and the workflows cover exactly those stacks", () => {
        assert.deepStrictEqual(stacks, ["dev", "prod", "staging"]);
        for (const stack of stacks) {
            assert.ok(fs.existsSync(path.join(ROOT, "policies", "config", `${stack}.json`)), `Pulumi.${stack}.yaml has no policies/config/${stack}.json`);
        }
        const pr = load("pull-request.yml");
        assert.deepStrictEqual([...(pr.jobs.plan.strategy?.matrix?.stack as string[])].sort(), stacks);
        assert.deepStrictEqual([...(pr.jobs.preview.strategy?.matrix?.stack as string[])].sort(), stacks);
        const deployed = Object.values(load("deploy.yml").jobs)
            .map(environmentName)
            .filter((e): e is string => e !== undefined);
        assert.deepStrictEqual([...deployed].sort(), stacks);
    });

    it("every policy pack config a workflow passes exists", () => {
        const configs = workflowFiles.flatMap((file) => allSteps(load(file)).map(({ step }) => step.with?.policyPackConfigs));
        const paths = configs
            .filter((c): c is string => typeof c === "string")
            .flatMap((c) => (c.includes("${{ matrix.stack }}") ? stacks.map((s) => c.replace("${{ matrix.stack }}", s)) : [c]));
        assert.ok(paths.length >= stacks.length * 2, `expected policy configs for previews and ups, found ${paths.join(", ")}`);
        for (const p of paths) {
            assert.ok(fs.existsSync(path.join(ROOT, p)), `${p} does not exist`);
        }
    });

    it("pins every action to a major version (or a commit)", () => {
        const refs = actionRefs();
        assert.ok(refs.length > 0);
        assert.deepStrictEqual(
            refs.filter(({ uses }) => !/^[\w.-]+\/[\w.-]+(\/[\w./-]+)?@(v\d+(\.\d+){0,2}|[0-9a-f]{40})$/.test(uses)),
            [],
        );
        const used = new Set(refs.map(({ uses }) => uses.split("@")[0]));
        assert.deepStrictEqual([...used].sort(), ["actions/checkout", "actions/setup-node", "actions/upload-artifact", "aws-actions/configure-aws-credentials", "pulumi/actions"]);
    });

    it("grants only read access at the workflow level", () => {
        for (const file of workflowFiles) {
            assert.deepStrictEqual(load(file).permissions, { contents: "read" }, file);
        }
    });
});

describe("pull-request workflow", () => {
    const wf = load("pull-request.yml");

    it("runs on pull requests to main", () => {
        assert.deepStrictEqual(wf.on, { pull_request: { branches: ["main"] } });
    });

    it("tests with a clean install and npm test", () => {
        const runs = (wf.jobs.test.steps ?? []).map((s) => s.run).filter((r) => r !== undefined);
        assert.deepStrictEqual(runs, ["npm ci --no-audit --no-fund", "npm test"]);
    });

    it("plans every stack offline: report to the step summary, JSON as an artifact, fails on mandatory violations", () => {
        const steps = wf.jobs.plan.steps ?? [];
        const plan = steps.find((s) => s.id === "plan");
        assert.ok(plan?.run);
        assert.match(plan.run, /npm run --silent plan -- --stack "\$STACK" --json "plan-\$STACK\.json"/);
        const summary = steps.find((s) => s.run?.includes("$GITHUB_STEP_SUMMARY"));
        assert.ok(summary, "no step appends to $GITHUB_STEP_SUMMARY");
        assert.match(summary.if ?? "", /always\(\)/);
        const upload = steps.find((s) => s.uses?.startsWith("actions/upload-artifact@"));
        assert.deepStrictEqual(upload?.with?.path, "plan-${{ matrix.stack }}.json");
        assert.match(upload.if ?? "", /always\(\)/);
        const gate = steps[steps.length - 1];
        assert.match(gate.run ?? "", /1\) .*exit 1/);
        assert.deepStrictEqual(wf.jobs.plan.env, { STACK: "${{ matrix.stack }}" });
    });

    it("previews every stack with the policy pack, commenting on the pull request", () => {
        const job = wf.jobs.preview;
        assert.deepStrictEqual(job.needs, ["test", "plan"]);
        const pulumi = (job.steps ?? []).find((s) => s.uses?.startsWith("pulumi/actions@"));
        assert.deepStrictEqual(pulumi?.with, {
            command: "preview",
            "stack-name": "${{ vars.PULUMI_ORG && format('{0}/{1}', vars.PULUMI_ORG, matrix.stack) || matrix.stack }}",
            "cloud-url": "${{ vars.PULUMI_BACKEND_URL }}",
            "comment-on-pr": true,
            diff: true,
            policyPacks: "policies",
            policyPackConfigs: "policies/config/${{ matrix.stack }}.json",
        });
        assert.deepStrictEqual(pulumi.env, { PULUMI_ACCESS_TOKEN: "${{ secrets.PULUMI_ACCESS_TOKEN }}", PULUMI_CONFIG_PASSPHRASE: "${{ secrets.PULUMI_CONFIG_PASSPHRASE }}" });
    });

    it("previews only with credentials: a role variable set and not a fork; each stack with its own role; OIDC before Pulumi", () => {
        const job = wf.jobs.preview;
        assert.match(
            job.if ?? "",
            /^\$\{\{ \(vars\.AWS_ROLE_ARN != '' \|\| vars\.AWS_PREVIEW_ROLE_ARN_DEV != '' \|\| vars\.AWS_PREVIEW_ROLE_ARN_STAGING != '' \|\| vars\.AWS_PREVIEW_ROLE_ARN_PROD != ''\) && /,
        );
        assert.deepStrictEqual(job.env, { PREVIEW_ROLE_ARN: "${{ vars[format('AWS_PREVIEW_ROLE_ARN_{0}', matrix.stack)] || vars.AWS_ROLE_ARN }}" });
        assert.match(job.if ?? "", /github\.event\.pull_request\.head\.repo\.full_name == github\.repository/);
        assert.deepStrictEqual(job.permissions, { contents: "read", "id-token": "write", "pull-requests": "write" });
        const uses = (job.steps ?? []).map((s) => s.uses?.split("@")[0]).filter((u) => u !== undefined);
        assert.deepStrictEqual(uses, ["actions/checkout", "actions/setup-node", "aws-actions/configure-aws-credentials", "pulumi/actions"]);
        assert.match(job.steps?.[0].run ?? "", /if \[ -z "\$PREVIEW_ROLE_ARN" \]; then[\s\S]*exit 1/, "a stack without a role fails with what to set");
        const aws = (job.steps ?? []).find((s) => s.uses?.startsWith("aws-actions/configure-aws-credentials@"));
        assert.strictEqual(aws?.with?.["role-to-assume"], "${{ env.PREVIEW_ROLE_ARN }}");
        // Every stack has its role variable in the job condition.
        for (const stack of job.strategy?.matrix?.stack as string[]) {
            assert.ok((job.if ?? "").includes(`vars.AWS_PREVIEW_ROLE_ARN_${stack.toUpperCase()} != ''`), stack);
        }
    });
});

describe("deploy workflow", () => {
    const wf = load("deploy.yml");
    const order = ["up-dev", "up-staging", "up-prod"] as const;

    it("runs on pushes to main only", () => {
        assert.deepStrictEqual(wf.on, { push: { branches: ["main"] } });
    });

    it("ups dev, then staging, then prod, each after the previous one (never in parallel)", () => {
        assert.deepStrictEqual(Object.keys(wf.jobs), ["test", ...order]);
        assert.deepStrictEqual(
            order.map((j) => wf.jobs[j].needs),
            ["test", "up-dev", "up-staging"],
        );
    });

    for (const [i, stack] of ["dev", "staging", "prod"].entries()) {
        it(`${stack}: its environment, a non-cancelling concurrency group, OIDC, and the policy pack with its config`, () => {
            const job = wf.jobs[order[i]];
            assert.strictEqual(environmentName(job), stack);
            assert.deepStrictEqual(job.concurrency, { group: `pulumi-${stack}`, "cancel-in-progress": false });
            assert.deepStrictEqual(job.permissions, { contents: "read", "id-token": "write" });
            const steps = job.steps ?? [];
            assert.deepStrictEqual(
                steps.map((s) => s.run ?? s.uses?.split("@")[0]),
                ["actions/checkout", "actions/setup-node", "npm ci --no-audit --no-fund", "aws-actions/configure-aws-credentials", "pulumi/actions"],
            );
            assert.strictEqual(steps[3].with?.["role-to-assume"], "${{ vars.AWS_ROLE_ARN }}");
            assert.strictEqual(steps[3].with?.["role-duration-seconds"], 7200);
            assert.deepStrictEqual(steps[4].with, {
                command: "up",
                "stack-name": `\${{ vars.PULUMI_ORG && format('{0}/{1}', vars.PULUMI_ORG, '${stack}') || '${stack}' }}`,
                "cloud-url": "${{ vars.PULUMI_BACKEND_URL }}",
                diff: true,
                policyPacks: "policies",
                policyPackConfigs: `policies/config/${stack}.json`,
            });
        });
    }
});

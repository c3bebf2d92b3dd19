/**
 * The text and JSON forms of a plan: counts by type, the policy report grouped by enforcement
 * level, the one-line summary and the `--json` document.
 */
import { Problem, formatProblem } from "../config/problems";
import { RecordedResource } from "../engine/mocks";
import type { PolicyReport, Violation } from "../policies/evaluate";
import { ResourceIndex, STACK_TYPE, countedResources, isRemoteComponent } from "./model";
import { generatedSecrets, redactInputs } from "./redact";

/** Everything one plan produced. */
export interface Plan {
    readonly stack: string;
    readonly project: string;
    readonly resources: readonly RecordedResource[];
    readonly policies: PolicyReport;
    /** The policy config file the report was evaluated with. */
    readonly policyConfig: string;
    /** Multi-AZ rules the configuration breaks while platform:requireMultiAz is off (config advisories). */
    readonly advisories: readonly Problem[];
}

/** The configuration's Multi-AZ advisories, or undefined when there are none. */
export function renderAdvisories(advisories: readonly Problem[]): string | undefined {
    if (advisories.length === 0) {
        return undefined;
    }
    return [`Config advisories (platform:requireMultiAz is false; errors when it is true): ${advisories.length}`, ...advisories.map((a) => `  ${formatProblem(a)}`)].join("\n");
}

/** Resources per type, most frequent first (the stack resource excluded). */
export function countsByType(resources: readonly RecordedResource[]): [string, number][] {
    const counts = new Map<string, number>();
    for (const r of resources) {
        if (r.type !== STACK_TYPE) {
            counts.set(r.type, (counts.get(r.type) ?? 0) + 1);
        }
    }
    return [...counts.entries()].sort(([a, x], [b, y]) => y - x || a.localeCompare(b));
}

export function renderCounts(resources: readonly RecordedResource[]): string {
    const counts = countsByType(resources);
    const width = String(counts[0]?.[1] ?? 0).length;
    return counts.map(([type, n]) => `  ${String(n).padStart(width)}  ${type}`).join("\n");
}

/** The order levels are reported in: what blocks a deployment first. */
const LEVEL_ORDER = ["mandatory", "remediate", "advisory"] as const;

/**
 * Violations by level. @pulumi/policy reports a remediate policy's violations as mandatory (the
 * server turns the level into mandatory in every diagnostic), so these two are all there are.
 */
export function violationCounts(report: PolicyReport): { mandatory: number; advisory: number } {
    const count = (level: "mandatory" | "advisory") => report.violations.filter((v) => v.enforcementLevel === level).length;
    return { mandatory: count("mandatory"), advisory: count("advisory") };
}

/** The policy report, grouped by enforcement level, each violation naming its resource. */
export function renderPolicyReport(plan: Plan): string {
    const index = new ResourceIndex(plan.resources);
    const { policies } = plan;
    const lines = [`Policy pack with ${plan.policyConfig}: ${policies.policiesRun} policies on ${policies.resourcesAnalyzed} resources`];
    for (const level of LEVEL_ORDER) {
        const violations = policies.violations.filter((v) => v.enforcementLevel === level);
        if (level === "remediate" && violations.length === 0) {
            continue;
        }
        lines.push(`${level} violations: ${violations.length === 0 ? "none" : violations.length}`);
        const sorted = [...violations].sort((a, b) => a.policy.localeCompare(b.policy) || index.describeUrn(a.urn).localeCompare(index.describeUrn(b.urn)));
        for (const v of sorted) {
            lines.push(`  ${v.policy}: ${index.describeUrn(v.urn)}`);
            for (const text of v.message.split("\n")) {
                lines.push(`      ${text}`);
            }
        }
    }
    return lines.join("\n");
}

/** The one grep-able line every plan ends with. */
export function summaryLine(plan: Plan): string {
    const { resources, components } = countedResources(plan.resources);
    const { mandatory, advisory } = violationCounts(plan.policies);
    return `plan ${plan.stack}: ${resources} resources (${components} components), ${mandatory} mandatory and ${advisory} advisory violations`;
}

/**
 * What the plan cannot show: a remote (multi-language) component such as awsx's Vpc creates its
 * children inside its provider, which does not run offline. They are missing from the counts and
 * from the policy evaluation; `pulumi preview --policy-pack` sees them.
 */
export function remoteComponentNote(resources: readonly RecordedResource[]): string | undefined {
    const remote = resources.filter(isRemoteComponent);
    if (remote.length === 0) {
        return undefined;
    }
    const names = remote.map((r) => `${r.name} (${r.type})`).join(", ");
    return (
        `Not shown: the children of ${remote.length} remote component${remote.length === 1 ? "" : "s"}, ${names}, which ${remote.length === 1 ? "its provider creates" : "their providers create"} ` +
        "(e.g. subnets, route tables, NAT gateways): they are not counted or policy-checked offline; pulumi preview with the policy pack checks them."
    );
}

/** The whole text report (stdout). */
export function renderReport(plan: Plan, tree: string): string {
    const note = remoteComponentNote(plan.resources);
    const advisories = renderAdvisories(plan.advisories);
    return [
        `Offline plan of stack ${plan.stack} (project ${plan.project}): mock engine, no cloud calls`,
        "",
        "Resources:",
        tree,
        "",
        "Resources by type:",
        renderCounts(plan.resources),
        "",
        ...(advisories ? [advisories, ""] : []),
        renderPolicyReport(plan),
        "",
        ...(note ? [note, ""] : []),
        summaryLine(plan),
    ].join("\n");
}

export interface PlanJsonResource {
    urn: string;
    type: string;
    name: string;
    custom: boolean;
    /** The parent's URN; null for the stack resource. */
    parent: string | null;
    inputs: Record<string, unknown>;
    protect: boolean;
}

export interface PlanJson {
    stack: string;
    project: string;
    resources: PlanJsonResource[];
    violations: Violation[];
}

/** The `--json` document: every recorded resource (registration order), secrets redacted. */
export function planJson(plan: Plan): PlanJson {
    const secrets = generatedSecrets(plan.resources);
    return {
        stack: plan.stack,
        project: plan.project,
        resources: plan.resources.map((r) => ({
            urn: r.urn,
            type: r.type,
            name: r.name,
            custom: r.custom,
            parent: r.parent ?? null,
            inputs: redactInputs(r, secrets),
            protect: r.protect,
        })),
        violations: plan.policies.violations.map((v) => ({ policy: v.policy, enforcementLevel: v.enforcementLevel, urn: v.urn, message: v.message })),
    };
}

import * as assert from "assert";
import { EvaluatedResource } from "../../policies/evaluate";
import { allPolicies } from "../../policies/rules";
import { resourceCases, ResourceCase, Variant } from "./cases/resource-cases";
import { stackCases } from "./cases/stack-cases";
import { patched, res, runPolicy, unknownMessage } from "./helpers";

/*
 * Table-driven contract of every policy (see cases/*.ts): compliant baseline, one violation per
 * property with the exact message, another type is not applicable, an unknown value in preview is
 * reported by the policy server as "can't run policy ... during preview" (advisory), never a pass
 * and never a crash.
 */

const SUBJECT = "subject";

function subject(c: ResourceCase, v: Omit<Variant, "when">): EvaluatedResource {
    const type = v.type ?? c.type;
    const props = v.props ?? patched(c.base, v.patch ?? {});
    return res(type, SUBJECT, props);
}

describe("policy cases", () => {
    it("cover every policy of the pack exactly once", () => {
        const covered = [...resourceCases.map((c) => c.policy), ...stackCases.map((c) => c.policy)].sort();
        assert.deepStrictEqual(covered, allPolicies.map((p) => p.name).sort());
    });
});

describe("resource policies", () => {
    for (const c of resourceCases) {
        describe(c.policy, () => {
            it("passes the compliant baseline", async () => {
                const report = await runPolicy(c.policy, [res(c.type, SUBJECT, c.base)]);
                assert.deepStrictEqual(report.violations, []);
            });

            for (const v of c.compliant ?? []) {
                it(`passes ${v.when}`, async () => {
                    const report = await runPolicy(c.policy, [subject(c, v)], v.config);
                    assert.deepStrictEqual(report.violations, []);
                });
            }

            for (const v of c.violations) {
                it(`reports ${v.when}`, async () => {
                    const r = subject(c, v);
                    const report = await runPolicy(c.policy, [r], v.config);
                    assert.deepStrictEqual(
                        report.violations,
                        v.messages.map((message) => ({ policy: c.policy, enforcementLevel: "mandatory", urn: r.urn, message })),
                    );
                });
            }

            it(`is not applicable to ${c.otherType.type}`, async () => {
                const r = res(c.otherType.type, "other", c.otherType.props);
                const report = await runPolicy(c.policy, [r]);
                assert.deepStrictEqual(report.violations, []);
                assert.deepStrictEqual(report.notApplicable, [{ policy: c.policy, urn: r.urn, reason: c.otherType.reason }]);
            });

            for (const v of c.notApplicable ?? []) {
                it(`is not applicable to ${v.when}`, async () => {
                    const r = subject(c, v);
                    const report = await runPolicy(c.policy, [r], v.config);
                    assert.deepStrictEqual(report.violations, []);
                    assert.deepStrictEqual(report.notApplicable, [{ policy: c.policy, urn: r.urn, reason: v.reason }]);
                });
            }

            it(`reports .${c.unknown.path} unknown in preview as advisory, not as a pass or a crash`, async () => {
                const r = subject(c, c.unknown);
                const report = await runPolicy(c.policy, [r]);
                assert.deepStrictEqual(report.violations, [{ policy: c.policy, enforcementLevel: "advisory", urn: r.urn, message: unknownMessage(c.policy, c.unknown.path) }]);
            });
        });
    }
});

describe("stack policies", () => {
    for (const c of stackCases) {
        describe(c.policy, () => {
            it("passes the compliant stack", async () => {
                const report = await runPolicy(c.policy, c.compliant);
                assert.deepStrictEqual(report.violations, []);
                assert.deepStrictEqual(report.notApplicable, []);
            });

            for (const v of c.compliantVariants ?? []) {
                it(`passes ${v.when}`, async () => {
                    const report = await runPolicy(c.policy, v.resources, v.config);
                    assert.deepStrictEqual(report.violations, []);
                });
            }

            for (const v of c.violations) {
                it(`reports ${v.when}`, async () => {
                    const report = await runPolicy(c.policy, v.resources, v.config);
                    assert.deepStrictEqual(
                        report.violations,
                        v.expect.map((e) => ({ policy: c.policy, enforcementLevel: "mandatory", urn: e.urn, message: e.message })),
                    );
                });
            }

            it("is not applicable to a stack without its resources", async () => {
                const report = await runPolicy(c.policy, c.notApplicable.resources);
                assert.deepStrictEqual(report.violations, []);
                assert.deepStrictEqual(report.notApplicable, [{ policy: c.policy, urn: "", reason: c.notApplicable.reason }]);
            });

            for (const v of c.moreNotApplicable ?? []) {
                it(`is not applicable to ${v.when}`, async () => {
                    const report = await runPolicy(c.policy, v.resources);
                    assert.deepStrictEqual(report.violations, []);
                    assert.deepStrictEqual(report.notApplicable, [{ policy: c.policy, urn: "", reason: v.reason }]);
                });
            }

            const unknown = c.unknown;
            if ("path" in unknown) {
                it(`reports .${unknown.path} unknown in preview as advisory, not as a pass or a crash`, async () => {
                    const report = await runPolicy(c.policy, unknown.resources);
                    assert.deepStrictEqual(report.violations, [{ policy: c.policy, enforcementLevel: "advisory", urn: "", message: unknownMessage(c.policy, unknown.path) }]);
                });
            } else {
                it(`is unaffected by unknown values: ${unknown.why}`, async () => {
                    const report = await runPolicy(c.policy, unknown.resources);
                    assert.deepStrictEqual(report.violations, []);
                });
            }
        });
    }
});

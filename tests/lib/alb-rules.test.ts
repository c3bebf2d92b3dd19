import * as assert from "assert";
import {
    AlbRule,
    albPatternMatches,
    albPatternsCoverAllBelow,
    albPatternsOverlap,
    albWildcardCount,
    firstMatchingRule,
    hostConditionMatches,
    pathConditionMatches,
    ruleMatches,
} from "../../lib/alb-rules";

describe("ALB rule matching (lib/alb-rules)", () => {
    it("matches a pattern against the whole value: * is 0 or more characters (slashes too), ? exactly one", () => {
        const cases: [pattern: string, value: string, expected: boolean][] = [
            ["/orders", "/orders", true],
            ["/orders", "/orders/", false],
            ["/orders", "/order", false],
            ["/orders/*", "/orders/", true],
            ["/orders/*", "/orders/42", true],
            ["/orders/*", "/orders/42/items/7", true],
            ["/orders/*", "/orders", false],
            ["/orders*", "/orders", true],
            ["/orders*", "/ordersX/1", true],
            ["/orders/?", "/orders/1", true],
            ["/orders/?", "/orders/12", false],
            ["/orders/?", "/orders/", false],
            ["/*/items", "/orders/42/items", true],
            ["/*/items", "/orders/42/items/1", false],
            ["*", "", true],
            ["", "", true],
            ["", "/", false],
            ["/a*b*c", "/aXbYbZc", true],
            ["/a*b*c", "/aXbYbZ", false],
        ];
        assert.deepStrictEqual(
            cases.map(([pattern, value]) => [pattern, value, albPatternMatches(pattern, value)]),
            cases,
        );
    });

    it("compares paths case-sensitively and hosts case-insensitively", () => {
        assert.strictEqual(albPatternMatches("/Orders/*", "/orders/1"), false);
        assert.strictEqual(pathConditionMatches(["/Orders/*"], "/orders/1"), false);
        assert.strictEqual(hostConditionMatches(["Orders.Internal.Example.com"], "orders.internal.example.com"), true);
        assert.strictEqual(hostConditionMatches(["*.internal.example.com"], "catalog.INTERNAL.example.com"), true);
        assert.strictEqual(hostConditionMatches(["*.internal.example.com"], "internal.example.com"), false);
    });

    it("treats a missing condition as match-all and ORs the values of one condition", () => {
        assert.strictEqual(hostConditionMatches([], "anything.example.com"), true);
        assert.strictEqual(pathConditionMatches([], "/anything"), true);
        assert.strictEqual(pathConditionMatches(["/a", "/b/*"], "/b/c"), true);
        assert.strictEqual(pathConditionMatches(["/a", "/b/*"], "/c"), false);
    });

    it("ANDs the host and path conditions of a rule", () => {
        const rule = { hostPatterns: ["catalog.internal.example.com"], pathPatterns: ["/catalog/*"] };
        assert.strictEqual(ruleMatches(rule, { host: "catalog.internal.example.com", path: "/catalog/items" }), true);
        // The review's case: the host matches, the path does not, so the rule does not apply.
        assert.strictEqual(ruleMatches(rule, { host: "catalog.internal.example.com", path: "/catalog" }), false);
        assert.strictEqual(ruleMatches(rule, { host: "orders.internal.example.com", path: "/catalog/items" }), false);
    });

    it("applies the matching rule with the lowest priority number, whatever the list order; none: the default action", () => {
        const rules: (AlbRule & { name: string })[] = [
            { name: "catalog", priority: 20, hostPatterns: ["catalog.example.com"], pathPatterns: [] },
            { name: "admin", priority: 5, hostPatterns: [], pathPatterns: ["/admin/*"] },
            { name: "fallback", priority: 100, hostPatterns: [], pathPatterns: ["/*"] },
        ];
        const first = (host: string, path: string) => firstMatchingRule(rules, { host, path })?.name;
        assert.deepStrictEqual(
            [first("catalog.example.com", "/admin/x"), first("catalog.example.com", "/items"), first("orders.example.com", "/items"), first("orders.example.com", "")],
            ["admin", "catalog", "fallback", undefined],
        );
    });

    it("decides whether two patterns share a matching string", () => {
        const cases: [a: string, b: string, expected: boolean][] = [
            ["/orders/*", "/orders/?*", true],
            ["/orders/admin/*", "/orders/?*", true],
            ["/catalog/*", "/orders/?*", false],
            ["/orders", "/orders/?*", false],
            ["/orders*", "/orders/?*", true],
            ["/*", "/orders/?*", true],
            ["/?", "/orders/?*", false],
            ["/*/x", "/orders/?*", true],
            ["/a*z", "/b*", false],
            ["*a", "b*", true],
            ["/a?c", "/abd", false],
        ];
        assert.deepStrictEqual(
            cases.map(([a, b]) => [a, b, albPatternsOverlap(a, b)]),
            cases,
        );
        assert.strictEqual(albPatternsOverlap("ORDERS.example.com", "orders.*", true), true);
        assert.strictEqual(albPatternsOverlap("ORDERS.example.com", "orders.*"), false);
    });

    it("decides whether patterns cover every non-empty path below a prefix (an API {proxy+})", () => {
        const cases: [patterns: string[], expected: boolean][] = [
            [["/orders/*"], true],
            [["/orders*"], true],
            [["/*"], true],
            [["*"], true],
            [["/orders/?*"], true],
            [["/orders/*", "/orders"], true],
            [["/orders"], false],
            [["/orders/?"], false],
            [["/orders/a*"], false],
            [["/orders/*/items"], false],
            [["/orders/??*"], false],
            [["/orders/?", "/orders/??*"], true],
            [["/o*/?"], false],
            [["/catalog/*"], false],
        ];
        assert.deepStrictEqual(
            cases.map(([patterns]) => [patterns, albPatternsCoverAllBelow(patterns, "/orders/")]),
            cases,
        );
        // No path condition accepts every path.
        assert.strictEqual(albPatternsCoverAllBelow([], "/orders/"), true);
    });

    it("counts wildcards across all values of a rule", () => {
        assert.strictEqual(albWildcardCount(["*.example.com", "/a/*", "/b/?*"]), 4);
        assert.strictEqual(albWildcardCount(["orders.example.com", "/orders"]), 0);
    });
});

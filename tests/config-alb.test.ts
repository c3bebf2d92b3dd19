/**
 * Config validation of the internal ALB's listener rules and service grants: every request the API
 * forwards reaches its service's rule, ALB rule-condition limits, the API host, KMS keys of secrets.
 * Exact problem lists: each case's whole output is the contract.
 */
import * as assert from "assert";
import { ValidationError, formatProblem, resolvePlatformConfig } from "../config";
import { apiForwardedPaths } from "../config/resolve";
import { CONTEXT, VALID_SERVICE, validRaw } from "./support/config-fixture";

function problemsOf(overrides: Record<string, unknown>): string[] {
    try {
        resolvePlatformConfig(validRaw(overrides), CONTEXT);
    } catch (err) {
        assert.ok(err instanceof ValidationError, `expected ValidationError, got ${String(err)}`);
        return err.problems.map(formatProblem);
    }
    return [];
}

const orders = (patch: Record<string, unknown> = {}) => ({ ...VALID_SERVICE, ...patch });
/** A service the API does not expose, for priority-order cases. */
const internal = (patch: Record<string, unknown>) => ({ name: "admin", image: VALID_SERVICE.image, priority: 5, hostPatterns: [], pathPatterns: ["/admin/*"], ...patch });

const SECRET = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:orders/stripe-AbCdEf";
const KEY = "arn:aws:kms:eu-west-1:123456789012:key/11111111-1111-4111-8111-111111111111";

const CASES: [title: string, overrides: Record<string, unknown>, expected: string[]][] = [
    [
        "the base path is not matched (a lone /orders/*, as the stacks' catalog had)",
        { services: [orders({ pathPatterns: ["/orders/*"] })] },
        [
            'platform:services[0].pathPatterns = ["/orders/*"]: must match every path the API forwards to orders on host orders.internal.example.com (/orders and every path below /orders/); /orders does not match, so the ALB answers those requests with its fixed 404 (a rule\'s host and path conditions must both match). Fix: add "/orders" to pathPatterns, e.g. ["/orders/*","/orders"]',
        ],
    ],
    [
        "public paths (and their parents) and deeper paths are not matched",
        { services: [orders({ pathPatterns: ["/orders"], api: { basePath: "orders", scopes: ["orders.read"], publicPaths: ["health", "docs/openapi"] } })] },
        [
            'platform:services[0].pathPatterns = ["/orders"]: must match every path the API forwards to orders on host orders.internal.example.com (/orders, /orders/health, /orders/docs, /orders/docs/openapi and every path below /orders/); /orders/health, /orders/docs, /orders/docs/openapi, some paths below /orders/ do not match, so the ALB answers those requests with its fixed 404 (a rule\'s host and path conditions must both match). Fix: add "/orders/health", "/orders/docs", "/orders/docs/openapi", "/orders/*" to pathPatterns, e.g. ["/orders","/orders/health","/orders/docs","/orders/docs/openapi","/orders/*"]',
        ],
    ],
    [
        "only some deeper paths are matched (/orders/a*)",
        { services: [orders({ pathPatterns: ["/orders", "/orders/a*"] })] },
        [
            'platform:services[0].pathPatterns = ["/orders","/orders/a*"]: must match every path the API forwards to orders on host orders.internal.example.com (/orders and every path below /orders/); some paths below /orders/ do not match, so the ALB answers those requests with its fixed 404 (a rule\'s host and path conditions must both match). Fix: add "/orders/*" to pathPatterns, e.g. ["/orders","/orders/a*","/orders/*"]',
        ],
    ],
    [
        "a higher-priority rule of another service takes some paths below the base path",
        { services: [orders(), internal({ pathPatterns: ["/orders/admin/*"] })] },
        [
            "platform:services[0].priority = 10: services[1] (admin) has priority 5, so the ALB evaluates its rule first, and that rule also matches requests the API forwards to orders on host orders.internal.example.com (paths below /orders/): they would reach admin. Fix: give orders a priority below 5, or narrow admin's hostPatterns/pathPatterns so they exclude these requests",
        ],
    ],
    [
        "a higher-priority host-only rule of another service on the same host takes everything",
        { services: [orders(), internal({ hostPatterns: ["*.internal.example.com"], pathPatterns: [] })] },
        [
            "platform:services[0].priority = 10: services[1] (admin) has priority 5, so the ALB evaluates its rule first, and that rule also matches requests the API forwards to orders on host orders.internal.example.com (/orders, paths below /orders/): they would reach admin. Fix: give orders a priority below 5, or narrow admin's hostPatterns/pathPatterns so they exclude these requests",
        ],
    ],
    [
        "the API host's first pattern has a wildcard (no concrete Host to send)",
        { services: [orders({ hostPatterns: ["orders?.internal.example.com"] })] },
        [
            'platform:services[0].hostPatterns[0] = "orders?.internal.example.com": is the Host header the API sends to this service (it has api), so it must be a concrete host name without * or ?. Fix: put a concrete name first, e.g. orders.internal.example.com',
        ],
    ],
    [
        "more than three values in a condition, more than five in the rule",
        {
            services: [
                orders({
                    hostPatterns: ["orders.internal.example.com", "a.internal.example.com", "b.internal.example.com", "c.internal.example.com"],
                    pathPatterns: ["/orders", "/orders/*", "/v1/*", "/v2/*"],
                }),
            ],
        },
        [
            'platform:services[0] = {"hostPatterns":["orders.internal.example.com","a.internal.example.com","b.internal.example.com","c.internal.example....: has 8 host/path values; an ALB rule allows at most 5 condition values in total. Fix: use wildcards (e.g. /orders/*) to need fewer values',
            'platform:services[0].hostPatterns = ["orders.internal.example.com","a.internal.example.com","b.internal.example.com","c.internal.example.com"]: has 4 values; an ALB rule condition allows at most 3 match evaluations. Fix: use a wildcard (e.g. *.internal.example.com) to need fewer host values',
            'platform:services[0].pathPatterns = ["/orders","/orders/*","/v1/*","/v2/*"]: has 4 values; an ALB rule condition allows at most 3 match evaluations. Fix: use wildcards (e.g. /orders/*) to need fewer path values',
        ],
    ],
    [
        "more than five wildcards in the rule",
        { services: [orders({ pathPatterns: ["/orders", "/orders/*", "/o?d?r?/*/x*"] })] },
        [
            'platform:services[0] = {"hostPatterns":["orders.internal.example.com"],"pathPatterns":["/orders","/orders/*","/o?d?r?/*/x*"]}: has 6 wildcards (* or ?) in its host/path values; an ALB rule allows at most 5. Fix: use fewer wildcards (one trailing /* per path usually suffices)',
        ],
    ],
    [
        "KMS keys: an alias ARN, a key of another Region, and keys without secrets",
        { services: [orders({ kmsKeyArns: ["arn:aws:kms:eu-west-1:123456789012:alias/secrets", KEY.replace("eu-west-1", "us-east-1")] })] },
        [
            'platform:services[0].kmsKeyArns[0] = "arn:aws:kms:eu-west-1:123456789012:alias/secrets": must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<key id>; not an alias). Fix: copy the key ARN of the customer-managed key that encrypts the secrets',
            'platform:services[0].kmsKeyArns = ["arn:aws:kms:eu-west-1:123456789012:alias/secrets","arn:aws:kms:us-east-1:123456789012:key/11111111-1111-4111-8111-1...: grant kms:Decrypt through Secrets Manager only, so they need secretArns: without secrets they would grant nothing the task can use. Fix: list the secrets in secretArns, or remove kmsKeyArns',
            "platform:services[0].kmsKeyArns[1] = \"arn:aws:kms:us-east-1:123456789012:key/11111111-1111-4111-8111-111111111111\": must be a key in the stack's Region eu-west-1: the grant is conditioned on kms:ViaService = secretsmanager.eu-west-1.*, Secrets Manager of this Region. Fix: list the eu-west-1 key that encrypts the service's secrets",
        ],
    ],
];

describe("config: internal ALB rules and service grants", () => {
    for (const [title, overrides, expected] of CASES) {
        it(`rejects: ${title}`, () => {
            assert.deepStrictEqual(problemsOf(overrides), expected);
        });
    }

    it("accepts what reaches the service: its own rule covers every forwarded path, other rules come later or elsewhere", () => {
        assert.deepStrictEqual(
            problemsOf({
                services: [
                    orders({ api: { basePath: "orders", scopes: ["orders.read"], publicPaths: ["health"] } }),
                    // Evaluated first, but on other paths or another host.
                    internal({ pathPatterns: ["/admin/*"] }),
                    internal({ name: "reports", priority: 6, hostPatterns: ["reports.internal.example.com"], pathPatterns: [] }),
                    // Matches the API's requests too, but the ALB evaluates it after orders.
                    internal({ name: "fallback", priority: 100, pathPatterns: ["/*"] }),
                ],
            }),
            [],
        );
        // One pattern may cover the base path and everything below it.
        assert.deepStrictEqual(problemsOf({ services: [orders({ pathPatterns: ["/orders*"] })] }), []);
        // No path condition: the host alone routes.
        assert.deepStrictEqual(problemsOf({ services: [orders({ pathPatterns: [] })] }), []);
    });

    it("lists what the API forwards: the base path, public paths with their parents, and everything below", () => {
        assert.deepStrictEqual(apiForwardedPaths({ basePath: "orders", publicPaths: ["health", "docs/openapi"] }), {
            exact: ["/orders", "/orders/health", "/orders/docs", "/orders/docs/openapi"],
            below: "/orders/",
        });
    });

    it("keeps KMS keys of the configured secrets", () => {
        const config = resolvePlatformConfig(validRaw({ services: [orders({ secretArns: [SECRET], kmsKeyArns: [KEY] })] }), CONTEXT);
        assert.deepStrictEqual([config.services[0].secretArns, config.services[0].kmsKeyArns], [[SECRET], [KEY]]);
    });
});

/**
 * SecureApi: the platform's public API. A Regional REST API whose routes are generated from the
 * services it exposes, authenticated by Cognito (OAuth scopes per service), protected by WAF and
 * throttling, optionally behind a Regional custom domain with mutual TLS, with an asynchronous
 * route that puts events straight onto the EventBridge bus.
 *
 *   client --TLS/mTLS--> custom domain --> stage (WAF, throttling, cache, logs, X-Ray)
 *     /<basePath>, /<basePath>/{proxy+}  ANY  --Cognito scopes--> VPC link v2 --HTTPS--> internal ALB
 *     /<basePath>/<publicPath>           GET, HEAD without a token; every other method with one
 *     /events/{detailType}               POST --Cognito scope --> EventBridge PutEvents (202)
 *
 * Secure by construction:
 * - REST (not HTTP) API: only REST has WAF, usage plans, caching, request validation and X-Ray.
 * - Every generated method requires a Cognito access token carrying the service's scopes; only GET
 *   and HEAD on the exact resources listed in a service's `publicPaths` use authorization NONE.
 * - Private integrations use a VPC link v2 whose security group is the ALB's client group, and
 *   HTTPS to the service's host name on the internal ALB (its ACM certificate is publicly trusted,
 *   so API Gateway verifies it: no `tlsConfig.insecureSkipVerification`). The backend path is set
 *   segment by segment through parameter mapping, so the ALB sees `/<basePath>/...` and never the
 *   stage name (see `privateIntegrationPath`).
 * - API keys are opt-in per service: only the services (and the async route) a usage plan covers
 *   require one, and each plan consumer gets its own client-credentials app client limited to the
 *   scopes of what its plan covers.
 * - With a custom domain the execute-api endpoint is disabled, so clients cannot bypass the
 *   domain's TLS policy or its mTLS truststore; the truststore object's version is pinned.
 * - WAF (Regional) with AWS managed groups and a per-IP rate rule. Behind EdgeCdn (`originVerify`)
 *   the rate rule only counts requests without CloudFront's secret origin header (CloudFront's own
 *   WAF rate-limits per viewer; here every viewer would share a CloudFront edge IP); with
 *   `cdnOnly`, a first rule blocks every request that lacks the header. WAF logs redact credentials.
 * - Stage and per-route throttling stay below the account limit; access logs and WAF logs go to
 *   CMK-encrypted log groups with retention; execution logging is ERROR only, data trace off.
 *
 * Routes are individual `aws.apigateway.Resource`/`Method`/`Integration` resources rather than an
 * OpenAPI `body`: every method's authorization and every integration's target is then a separate,
 * reviewable input (tests and policies assert them one by one), and VPC link v2 `integrationTarget`
 * is a first-class argument of `aws.apigateway.Integration`. The cost, that a Deployment does not
 * notice route changes, is paid with `triggers` = a hash of the whole API definition. A removed
 * route stays in the stage until the Deployment is replaced once more (README runbook "Remove an
 * API route or public path").
 */
import { createHash } from "crypto";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { Problems } from "../config/problems";
import { LIMITS } from "../config/resolve";
import { PolicyStatement, PolicyStatementInput, assumeRolePolicy, denyInsecureTransport, policyJson } from "../lib/iam";
import { COGNITO_DOMAIN_PREFIX_RULE, isCognitoDomainPrefix } from "../lib/cognito";
import { DNS_LABEL, isDomainName, isWithinZone } from "../lib/naming";
import { truststoreProblems } from "../lib/truststore";

// ------------------------------------------------------------------------------------------------
// Args
// ------------------------------------------------------------------------------------------------

/** A service exposed through the API (one per InternalAlbService service that has an API entry). */
export interface SecureApiService {
    /** Service name: DNS label, unique; names the service's child resources. */
    readonly name: string;
    /** First path segment of the service's routes: `/<basePath>` and `/<basePath>/{proxy+}`. */
    readonly basePath: string;
    /**
     * Host name of the service on the internal ALB: matches the service's listener-rule host and is
     * covered by the ALB's certificate (e.g. `orders.internal.example.com`). API Gateway sends it as
     * Host header and verifies the ALB certificate against it.
     */
    readonly host: pulumi.Input<string>;
    /**
     * OAuth scope names (short form, e.g. `orders.read`) a token must carry for the service's
     * protected routes. At least one: a Cognito authorizer without scopes accepts any valid token,
     * including ID tokens.
     */
    readonly scopes: readonly string[];
    /**
     * Paths below `basePath` reachable without a token (e.g. `health`): GET and HEAD on exactly these
     * resources use authorization NONE; every other method on them, and every deeper path, still
     * requires a token with the service's scopes.
     * @default [] (every route requires a token)
     */
    readonly publicPaths?: readonly string[];
    /**
     * Stage cache TTL (s) for the service's GET requests; 0 disables caching. Requires `cacheSizeGb`.
     * Cache keys are the request path and, on protected routes, the Authorization header, so one
     * caller never receives another caller's cached response. Query strings are not part of the key:
     * opt in only for GET responses that vary by path (and caller) alone.
     * @default 0
     */
    readonly cacheTtlSeconds?: number;
    /**
     * Steady-state limit (rps) of the service's routes, at most the stage limit.
     * @default the stage limit (`throttle.rateLimit`)
     */
    readonly rateLimit?: number;
    /**
     * Burst limit of the service's routes, at most the stage burst.
     * @default the stage burst (`throttle.burstLimit`)
     */
    readonly burstLimit?: number;
}

/** Stage-level throttling. */
export interface SecureApiThrottle {
    /** Steady-state requests per second, at most the account limit (10,000 per Region). */
    readonly rateLimit: number;
    /** Burst (token bucket size), at most the account burst (5,000 per Region). */
    readonly burstLimit: number;
}

/** Regional custom domain of the API. */
export interface SecureApiCustomDomain {
    /** Fully qualified domain name, within `publicZoneName`. */
    readonly domainName: string;
    /** Public hosted zone that holds the certificate validation record and the alias records. */
    readonly publicZoneId: pulumi.Input<string>;
    /** Name of that zone, e.g. `example.com`. */
    readonly publicZoneName: string;
    /**
     * Base path mapping of this API version on the domain (`https://<domain>/<basePath>`).
     * @default "v1"
     */
    readonly basePath?: string;
    /**
     * TLS security policy of the domain (and of the API): `TLS_1_2` or an enhanced
     * `SecurityPolicy_*` policy for Regional endpoints (then endpoint access mode STRICT is set).
     * mTLS requires `TLS_1_2`: API Gateway does not support mTLS with enhanced policies.
     * @default "TLS_1_2"
     */
    readonly securityPolicy?: string;
}

/** Mutual TLS on the custom domain. */
export interface SecureApiMtls {
    /** PEM truststore: one or more CA certificates (`-----BEGIN CERTIFICATE-----` blocks) and nothing else. */
    readonly truststorePem: string;
    /** Object key of the truststore in its bucket, e.g. `truststore.pem`. */
    readonly truststoreFileName: string;
}

/** A usage plan with API keys for named consumers. */
export interface SecureApiUsagePlan {
    /** Plan name (DNS label, unique). */
    readonly name: string;
    /**
     * Consumers; each gets one API key and its own client-credentials app client (OAuth secret per
     * consumer). A consumer may appear in one plan only (one key per stage).
     */
    readonly consumers: readonly string[];
    /**
     * Names of the services the plan covers. Their protected methods require an API key from every
     * caller (API Gateway meters only methods that require a key, and a method cannot require one
     * from some callers only): cover partner-facing services, not the ones browsers call.
     * @default [] (the plan must then cover the async route)
     */
    readonly services?: readonly string[];
    /**
     * The plan covers the async route `POST /events/{detailType}`, which then requires an API key.
     * @default false
     */
    readonly asyncEvents?: boolean;
    /**
     * Scopes (short names) of the consumers' app clients; each must be a scope of the API.
     * @default the scopes of the covered services, plus the async route's scope when covered
     */
    readonly scopes?: readonly string[];
    /** Plan rate limit (rps), at most the stage limit. */
    readonly rateLimit: number;
    /** Plan burst limit, at most the stage burst. */
    readonly burstLimit: number;
    /**
     * Requests per day per key.
     * @default no quota
     */
    readonly quotaPerDay?: number;
}

/** The asynchronous route `POST /events/{detailType}` -> EventBridge PutEvents -> 202. */
export interface SecureApiAsyncEvents {
    /** ARN of the bus (the only resource the integration role may put events on). */
    readonly busArn: pulumi.Input<string>;
    /** Name of the bus (`EventBusName` of the entry). */
    readonly busName: pulumi.Input<string>;
    /** `Source` of every event put through the API, e.g. `platform.api` (not `aws.*`). */
    readonly source: string;
    /**
     * OAuth scope a token must carry to post events.
     * @default "events.write"
     */
    readonly scope?: string;
}

/** Cognito user pool and OAuth clients. */
export interface SecureApiAuth {
    /**
     * Prefix of the Cognito domain (`https://<prefix>.auth.<region>.amazoncognito.com`), which
     * serves the OAuth token endpoint. Lowercase letters, digits and hyphens; no `aws`, `amazon` or
     * `cognito`; unique in the Region across all AWS customers (so include e.g. the account id).
     * Validated when it is a plain string.
     */
    readonly domainPrefix: pulumi.Input<string>;
    /**
     * MFA: `OFF`, `OPTIONAL` or `ON` (software tokens, TOTP).
     * @default "ON"
     */
    readonly mfa?: "OFF" | "OPTIONAL" | "ON";
    /**
     * User pool feature plan. Threat protection (formerly advanced security) needs `PLUS`.
     * @default "PLUS"
     */
    readonly userPoolTier?: "ESSENTIALS" | "PLUS";
    /**
     * Threat protection mode for standard authentication (`userPoolAddOns.advancedSecurityMode`).
     * `AUDIT` and `ENFORCED` require the `PLUS` tier.
     * @default "ENFORCED"
     */
    readonly threatProtection?: "OFF" | "AUDIT" | "ENFORCED";
    /**
     * User pool deletion protection (ACTIVE when true).
     * @default true
     */
    readonly deletionProtection?: boolean;
    /**
     * Minimum password length, 12-99 (every character class is always required).
     * @default 14
     */
    readonly passwordMinimumLength?: number;
    /**
     * Days an administrator-issued temporary password stays valid, 1-365.
     * @default 3
     */
    readonly temporaryPasswordValidityDays?: number;
    /**
     * Identifier of the resource server; scopes are `<identifier>/<scope>`.
     * @default "api"
     */
    readonly resourceServerIdentifier?: string;
    /**
     * Callback URLs of the user (authorization-code + PKCE) client: https, or http://localhost.
     * The client may request openid, email and every service scope, not the async route's (see
     * `userClientScopes`).
     * @default [] (no user client is created)
     */
    readonly callbackUrls?: readonly string[];
    /**
     * Sign-out URLs of the user client.
     * @default []
     */
    readonly logoutUrls?: readonly string[];
    /**
     * Access token validity in minutes, 5-1440.
     * @default 60
     */
    readonly accessTokenValidityMinutes?: number;
    /**
     * ID token validity in minutes, 5-1440.
     * @default 60
     */
    readonly idTokenValidityMinutes?: number;
    /**
     * Refresh token validity in days, 1-3650.
     * @default 30
     */
    readonly refreshTokenValidityDays?: number;
}

export interface SecureApiArgs {
    /** AWS Region of the stack: the API, its certificate and the PutEvents integration live here. */
    readonly region: string;
    /** Services exposed through the API (plain values: they decide which routes exist). */
    readonly services: readonly SecureApiService[];
    /** ARN of the internal ALB: `integrationTarget` of every private integration. */
    readonly loadBalancerArn: pulumi.Input<string>;
    /** Subnets of the VPC link v2 (the private subnets). */
    readonly vpcLinkSubnetIds: pulumi.Input<pulumi.Input<string>[]>;
    /** Security group of the VPC link: InternalAlbService `clientSecurityGroupId` (egress 443 to the ALB only). */
    readonly vpcLinkSecurityGroupId: pulumi.Input<string>;
    /** ARN of the `logs` CMK: encrypts the access-log and WAF log groups. */
    readonly logsKmsKeyArn: pulumi.Input<string>;
    /**
     * ARN of the `storage` CMK: encrypts the mTLS truststore bucket. Required with `mtls`.
     * @default none (only used with mTLS)
     */
    readonly storageKmsKeyArn?: pulumi.Input<string>;
    /** Cognito user pool, resource server and clients. */
    readonly auth: SecureApiAuth;
    /**
     * Name of the REST API (also the `ApiName` dimension of its CloudWatch metrics, so it must be
     * unique per account and Region).
     * @default `<project>-<stack>-<component name>`
     */
    readonly apiName?: string;
    /**
     * Stage name.
     * @default "v1"
     */
    readonly stageName?: string;
    /**
     * Stage default throttling.
     * @default { rateLimit: 100, burstLimit: 50 }
     */
    readonly throttle?: SecureApiThrottle;
    /**
     * Timeout of the private integrations, 50-29000 ms.
     * @default 29000
     */
    readonly integrationTimeoutMs?: number;
    /**
     * Retention of the access-log and WAF log groups (a CloudWatch Logs retention value).
     * @default 90
     */
    readonly logRetentionDays?: number;
    /**
     * IP address type of the API and its domain; `dualstack` also creates the AAAA alias.
     * @default "dualstack"
     */
    readonly ipAddressType?: "ipv4" | "dualstack";
    /**
     * Regional custom domain. When set, the execute-api endpoint is disabled.
     * @default no custom domain (clients use the stage's execute-api URL)
     */
    readonly customDomain?: SecureApiCustomDomain;
    /**
     * Mutual TLS on the custom domain (requires `customDomain` and `storageKmsKeyArn`). The
     * truststore is checked before anything is created, as API Gateway would: PEM certificates
     * only, at most 1 MB, chains at most 4 deep, RSA-2048+ or ECDSA P-256+ keys, SHA-256+
     * signatures, every certificate currently valid (`lib/truststore.ts`).
     * @default no mTLS
     */
    readonly mtls?: SecureApiMtls;
    /**
     * Usage plans for named consumers. Only the protected methods of the services a plan covers
     * (and the async route, when a plan covers it) require an API key (`x-api-key`); every other
     * method and every public GET/HEAD does not. Keys identify consumers for metering and
     * throttling; authentication and authorization stay with Cognito (each consumer's app client
     * holds only its plan's scopes).
     * @default [] (no plans, no keys, no consumer clients)
     */
    readonly usagePlans?: readonly SecureApiUsagePlan[];
    /**
     * Stage cache cluster size (GB): 0.5, 1.6, 6.1, 13.5, 28.4, 58.2, 118 or 237. Cached data is encrypted.
     * @default no cache
     */
    readonly cacheSizeGb?: string;
    /**
     * WAF rate-based rule: requests per 5 minutes per client IP (10-2,000,000).
     * @default 2000
     */
    readonly wafRateLimit?: number;
    /**
     * EdgeCdn is in front of the API: create the secret origin header CloudFront adds (exported as
     * `originVerifyHeaderName` / `originVerifySecret`) and scope the WAF rate rule to requests
     * without it. Behind CloudFront, WAF sees edge IPs shared by many viewers; CloudFront's own WAF
     * rate-limits per viewer.
     * @default `cdnOnly`
     */
    readonly originVerify?: boolean;
    /**
     * Accept only requests that came through EdgeCdn: WAF blocks requests without the secret
     * origin header. Requires `originVerify` (on by default with it).
     * @default false
     */
    readonly cdnOnly?: boolean;
    /**
     * The asynchronous event route.
     * @default no async route
     */
    readonly asyncEvents?: SecureApiAsyncEvents;
    /**
     * SNS topic for alarm and OK notifications.
     * @default alarms without actions
     */
    readonly alarmTopicArn?: pulumi.Input<string>;
    /**
     * 5XX error-rate alarm threshold (% of requests, 0-100 exclusive of 0).
     * @default 1
     */
    readonly errorRateThresholdPercent?: number;
    /**
     * p99 latency alarm threshold (ms).
     * @default 2000
     */
    readonly latencyP99ThresholdMs?: number;
    /**
     * Create the stateful resources (the user pool, the truststore bucket) with Pulumi's `protect`
     * and `retainOnDelete` (prod). Plain: a resource option.
     * @default false
     */
    readonly protect?: boolean;
    /**
     * Create the Region's API Gateway CloudWatch Logs role (`aws.apigateway.Account`) with the
     * actions of the AWS managed AmazonAPIGatewayPushToCloudWatchLogs policy, scoped to this
     * account's log groups in this Region. Access and execution logging both need it: without it a
     * stage with access logs fails to deploy. It is a per-account, per-Region singleton: two stacks
     * that manage it overwrite each other's (and a destroy resets it), so exactly one stack per
     * account and Region should set it.
     * @default false (the account's role must already be set)
     */
    readonly manageAccountCloudWatchRole?: boolean;
}

/** Secure defaults, in one place. */
export const SECURE_API_DEFAULTS = {
    stageName: "v1",
    throttle: { rateLimit: 100, burstLimit: 50 },
    integrationTimeoutMs: 29_000,
    logRetentionDays: 90,
    ipAddressType: "dualstack",
    domainBasePath: "v1",
    securityPolicy: "TLS_1_2",
    wafRateLimit: 2_000,
    cdnOnly: false,
    asyncScope: "events.write",
    errorRateThresholdPercent: 1,
    latencyP99ThresholdMs: 2_000,
    manageAccountCloudWatchRole: false,
    protect: false,
    authorizerResultTtlSeconds: 300,
    auth: {
        mfa: "ON",
        userPoolTier: "PLUS",
        threatProtection: "ENFORCED",
        deletionProtection: true,
        passwordMinimumLength: 14,
        temporaryPasswordValidityDays: 3,
        resourceServerIdentifier: "api",
        accessTokenValidityMinutes: 60,
        idTokenValidityMinutes: 60,
        refreshTokenValidityDays: 30,
        passwordHistorySize: 12,
    },
} as const;

/** Header EdgeCdn adds to origin requests when `cdnOnly` is on. Lowercase: WAF matches header names case-insensitively, and logs redact it. */
export const ORIGIN_VERIFY_HEADER = "x-origin-verify";

/** HTTP methods an `ANY` method stands for (method settings exist per concrete method, not for ANY). */
export const ANY_METHODS = ["DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"] as const;

/**
 * Methods a public path answers without a token. HEAD is a method of its own in API Gateway's
 * method list (DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT, ANY), so it is defined explicitly for
 * health probes rather than assumed to follow GET; OPTIONS would only be needed for CORS preflight,
 * which this API does not configure. Every other method on a public path falls to the path's
 * protected ANY.
 */
export const PUBLIC_METHODS = ["GET", "HEAD"] as const;

/** Regional security policies API Gateway accepts for REST APIs and Regional custom domains (TLS_1_0 is excluded as insecure). */
export const REGIONAL_SECURITY_POLICIES = [
    "TLS_1_2",
    "SecurityPolicy_TLS13_1_3_2025_09",
    "SecurityPolicy_TLS13_1_3_FIPS_2025_09",
    "SecurityPolicy_TLS13_1_2_PFS_PQ_2025_09",
    "SecurityPolicy_TLS13_1_2_FIPS_PFS_PQ_2025_09",
    "SecurityPolicy_TLS13_1_2_PQ_2025_09",
    "SecurityPolicy_TLS13_1_2_FIPS_PQ_2025_09",
    "SecurityPolicy_TLS13_1_2_2021_06",
] as const;

/** AWS managed rule groups of the web ACL, in evaluation order, with their priorities. */
export const WAF_RULES = {
    originVerify: { name: "origin-verify", priority: 0 },
    ipReputation: { name: "AWSManagedRulesAmazonIpReputationList", priority: 10 },
    rateLimit: { name: "rate-limit-per-ip", priority: 20 },
    common: { name: "AWSManagedRulesCommonRuleSet", priority: 30 },
    knownBadInputs: { name: "AWSManagedRulesKnownBadInputsRuleSet", priority: 40 },
} as const;

/** Request headers WAF logs never contain. */
export const WAF_REDACTED_HEADERS = ["authorization", "x-api-key", ORIGIN_VERIFY_HEADER] as const;

/**
 * JSON schema of the async route's body: a small versioned envelope. `data` carries the event
 * payload (any object, becomes `detail.data`); `version` lets consumers evolve the payload;
 * `idempotencyKey` lets consumers drop duplicates. Unknown top-level fields are rejected.
 */
export const EVENT_REQUEST_SCHEMA = {
    $schema: "http://json-schema.org/draft-04/schema#",
    title: "EventRequest",
    type: "object",
    required: ["version", "data"],
    properties: {
        version: { type: "string", pattern: "^[0-9]+(\\.[0-9]+)?$" },
        idempotencyKey: { type: "string", minLength: 1, maxLength: 128 },
        data: { type: "object" },
    },
    additionalProperties: false,
} as const;

/** Access log format: one JSON object per request. */
export const ACCESS_LOG_FORMAT = JSON.stringify({
    requestId: "$context.requestId",
    extendedRequestId: "$context.extendedRequestId",
    ip: "$context.identity.sourceIp",
    caller: "$context.identity.caller",
    user: "$context.identity.user",
    requestTime: "$context.requestTime",
    httpMethod: "$context.httpMethod",
    resourcePath: "$context.resourcePath",
    status: "$context.status",
    protocol: "$context.protocol",
    responseLength: "$context.responseLength",
    integrationError: "$context.integration.error",
    integrationStatus: "$context.integration.status",
    integrationLatency: "$context.integration.latency",
    authorizerError: "$context.authorizer.error",
    wafResponseCode: "$context.waf.responseCode",
    xrayTraceId: "$context.xrayTraceId",
});

const ASYNC_BASE = "events";
const MAX_RESOURCES_PER_API = 300;
/** An app client's AllowedOAuthScopes holds at most 50 entries; the user client adds openid and email. */
const MAX_CUSTOM_SCOPES = 48;

// ------------------------------------------------------------------------------------------------
// Route plan (pure)
// ------------------------------------------------------------------------------------------------

/** One REST API resource of a service, with its ANY method (and GET/HEAD when public). */
export interface PlannedRoute {
    /** Resource path, e.g. `/orders/{proxy+}`. */
    readonly path: string;
    /** Parent resource path (`/` for the root). */
    readonly parentPath: string;
    readonly pathPart: string;
    /** Name of the service the route belongs to. */
    readonly service: string;
    /** A `publicPaths` entry: GET and HEAD use authorization NONE; ANY stays protected. */
    readonly isPublic: boolean;
    /** A `{proxy+}` resource. */
    readonly greedy: boolean;
    /** Path on the ALB, with `{proxy}` for the greedy segment. */
    readonly backendPath: string;
}

/**
 * The resources a service gets: `/<basePath>`, `/<basePath>/{proxy+}`, one resource per public
 * path (and per intermediate segment of a nested one). Every resource that has explicit children
 * also gets its own protected `{proxy+}`, so adding a public path never takes a sibling path away
 * from the service or from its authorizer.
 */
export function planServiceRoutes(service: SecureApiService): PlannedRoute[] {
    const base = `/${service.basePath}`;
    const publicNodes = new Set((service.publicPaths ?? []).map((p) => `${base}/${p}`));
    const explicit = new Set<string>([base]);
    for (const p of service.publicPaths ?? []) {
        const segments = p.split("/");
        for (let i = 1; i <= segments.length; i++) {
            explicit.add(`${base}/${segments.slice(0, i).join("/")}`);
        }
    }
    const nodes = [...explicit];
    const routes: PlannedRoute[] = nodes.map((path) => ({
        path,
        parentPath: parentOf(path),
        pathPart: path.slice(path.lastIndexOf("/") + 1),
        service: service.name,
        isPublic: publicNodes.has(path),
        greedy: false,
        backendPath: path,
    }));
    for (const node of nodes.filter((n) => n === base || nodes.some((other) => other.startsWith(`${n}/`)))) {
        routes.push({ path: `${node}/{proxy+}`, parentPath: node, pathPart: "{proxy+}", service: service.name, isPublic: false, greedy: true, backendPath: `${node}/{proxy}` });
    }
    // Code-point order (not locale order): the same plan, and the same deployment hash, on every machine.
    return routes.sort((a, b) => depth(a.path) - depth(b.path) || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** Integration URI path and parameter mapping of a private (VPC link v2) integration. */
export interface PrivateIntegrationPath {
    /** Path part of the integration URI, every segment a path parameter, e.g. `/{segment0}/{proxy}`. */
    readonly uriPath: string;
    /** `integration.request.path.*` mappings that give every parameter of `uriPath` its value. */
    readonly requestParameters: Readonly<Record<string, string>>;
}

/**
 * How the ALB receives `route.backendPath` without the stage name.
 *
 * The API Gateway developer guide ("Private integrations for REST APIs", Considerations) says: "In a
 * private integration, API Gateway includes the stage portion of the API endpoint in the request to
 * your backend resources [...] To remove the stage name from the request to your backend
 * resources, use parameter mapping to create an override for the $context.requestOverride.path
 * variable." The guide shows no REST example. `$context.requestOverride.path.<name>` overrides
 * path parameters, and the parameter-mapping form of that override for an HTTP_PROXY integration
 * is `integration.request.path.<name>` (parameter mapping works on proxy integrations; mapping
 * templates do not run on them). So every segment of the backend path is a path parameter of the
 * integration URI, set by parameter mapping: static segments from literals, the greedy segment from
 * the method's `{proxy+}`. Nothing of the backend path is left for API Gateway to fill in, and the
 * stage never appears in it. Verify after the first deployment (README runbook "Check the API's
 * backend paths"): the ALB access log must show `/<basePath>/...` requests, not `/<stage>/...`.
 */
export function privateIntegrationPath(route: Pick<PlannedRoute, "backendPath" | "greedy">): PrivateIntegrationPath {
    const segments = route.backendPath.split("/").filter((s) => s !== "");
    const statics = route.greedy ? segments.slice(0, -1) : segments;
    const requestParameters: Record<string, string> = {};
    const parts = statics.map((segment, i) => {
        requestParameters[`integration.request.path.segment${i}`] = `'${segment}'`;
        return `{segment${i}}`;
    });
    if (route.greedy) {
        requestParameters["integration.request.path.proxy"] = "method.request.path.proxy";
        parts.push("{proxy}");
    }
    return { uriPath: `/${parts.join("/")}`, requestParameters };
}

function parentOf(path: string): string {
    const i = path.lastIndexOf("/");
    return i <= 0 ? "/" : path.slice(0, i);
}

function depth(path: string): number {
    return path.split("/").length;
}

/** Scope names of the resource server: every service scope plus the async route's, sorted and unique. */
export function resourceServerScopes(args: Pick<SecureApiArgs, "services" | "asyncEvents">): string[] {
    const all = new Set<string>(userClientScopes(args));
    if (args.asyncEvents) {
        all.add(args.asyncEvents.scope ?? SECURE_API_DEFAULTS.asyncScope);
    }
    return [...all].sort();
}

/**
 * Scope names (sorted) the user client may request: every service scope, and not the async
 * route's unless a service declares it too. The async route lets a caller put any event on the bus
 * (e.g. a payment settlement), so it belongs to the machine producers a usage plan names, never to
 * every user who can sign in.
 */
export function userClientScopes(args: Pick<SecureApiArgs, "services">): string[] {
    return [...new Set(args.services.flatMap((s) => s.scopes))].sort();
}

/** What the usage plans cover: the services whose protected methods, and whether the async route, require an API key. */
export function apiKeyCoverage(plans: readonly SecureApiUsagePlan[]): { services: ReadonlySet<string>; asyncEvents: boolean } {
    return { services: new Set(plans.flatMap((p) => p.services ?? [])), asyncEvents: plans.some((p) => p.asyncEvents === true) };
}

/** Scopes (short names, sorted) of a usage-plan consumer's app client. */
export function consumerScopes(plan: SecureApiUsagePlan, args: Pick<SecureApiArgs, "services" | "asyncEvents">): string[] {
    if (plan.scopes !== undefined) {
        return [...new Set(plan.scopes)].sort();
    }
    const covered = new Set(plan.services ?? []);
    const all = new Set(args.services.filter((s) => covered.has(s.name)).flatMap((s) => s.scopes));
    if (plan.asyncEvents === true && args.asyncEvents !== undefined) {
        all.add(args.asyncEvents.scope ?? SECURE_API_DEFAULTS.asyncScope);
    }
    return [...all].sort();
}

/** Partition of a Region (ARNs and service principals). */
function partitionOf(region: string): string {
    return region.startsWith("cn-") ? "aws-cn" : region.startsWith("us-gov-") ? "aws-us-gov" : "aws";
}

// ------------------------------------------------------------------------------------------------
// Validation (pure)
// ------------------------------------------------------------------------------------------------

const SCOPE_NAME = /^[a-z][a-z0-9._-]{0,63}$/;
const PUBLIC_PATH = /^[a-z0-9][a-z0-9_-]*(\/[a-z0-9][a-z0-9_-]*)*$/;
const BASE_PATH = /^[a-z0-9][a-z0-9-]{0,62}$/;

function within(value: number, min: number, max: number): boolean {
    return Number.isFinite(value) && value >= min && value <= max;
}

function duplicates(values: readonly string[]): string[] {
    return [...new Set(values.filter((v, i) => values.indexOf(v) !== i))];
}

function urlProblem(url: string): boolean {
    return (/^https:\/\/[^\s/#]+(\/[^\s#]*)?$/.test(url) || /^http:\/\/localhost(:\d+)?(\/[^\s#]*)?$/.test(url)) && url.length <= 1024;
}

/** Validates SecureApi arguments; returns every problem (the constructor throws them as one ValidationError). */
export function validateSecureApiArgs(args: SecureApiArgs): Problems {
    const problems = new Problems();
    // Keys name the argument path from the component's args, e.g. SecureApiArgs.services[0].scopes.
    const p = {
        add: (key: string, value: unknown, allowed: string, fix: string): void => problems.add(`SecureApiArgs.${key}`, value, allowed, fix),
        check: (ok: boolean, key: string, value: unknown, allowed: string, fix: string): boolean => problems.check(ok, `SecureApiArgs.${key}`, value, allowed, fix),
    };
    const d = SECURE_API_DEFAULTS;
    const rate = args.throttle?.rateLimit ?? d.throttle.rateLimit;
    const burst = args.throttle?.burstLimit ?? d.throttle.burstLimit;
    const accountRate = LIMITS.apiAccountRateLimit;
    const accountBurst = LIMITS.apiAccountBurstLimit;

    // Stage.
    const stageName = args.stageName ?? d.stageName;
    p.check(/^[A-Za-z0-9_-]{1,128}$/.test(stageName), "stageName", stageName, "must be 1-128 letters, digits, hyphens or underscores (API Gateway stage name)", "use e.g. v1");
    if (args.apiName !== undefined) {
        p.check(
            /^[A-Za-z0-9._-]{1,128}$/.test(args.apiName),
            "apiName",
            args.apiName,
            "must be 1-128 letters, digits, . _ - (it also prefixes the WAF log group name)",
            "use e.g. platform-prod-api",
        );
    }
    const rateOk = p.check(
        within(rate, 0.001, accountRate),
        "throttle.rateLimit",
        rate,
        `must be > 0 and at most ${accountRate} requests per second: API Gateway's account throttle is ${accountRate} rps per Region, shared by every API and stage`,
        "lower throttle.rateLimit (or raise the account quota first)",
    );
    const burstOk = p.check(
        Number.isInteger(burst) && within(burst, 1, accountBurst),
        "throttle.burstLimit",
        burst,
        `must be an integer 1-${accountBurst}: API Gateway's account burst is ${accountBurst} per Region`,
        "lower throttle.burstLimit",
    );
    const timeout = args.integrationTimeoutMs ?? d.integrationTimeoutMs;
    p.check(
        Number.isInteger(timeout) && within(timeout, 50, 29_000),
        "integrationTimeoutMs",
        timeout,
        "must be an integer 50-29000 ms (REST API integration timeout)",
        "use e.g. 29000",
    );
    const retention = args.logRetentionDays ?? d.logRetentionDays;
    p.check(
        (LIMITS.logRetentionDays as readonly number[]).includes(retention),
        "logRetentionDays",
        retention,
        `must be a CloudWatch Logs retention value (${LIMITS.logRetentionDays.join(", ")})`,
        "pick the nearest allowed value",
    );

    // Routes.
    p.check(
        args.services.length > 0 || args.asyncEvents !== undefined,
        "services",
        [],
        "the API needs at least one service or the async events route (an API without methods cannot be deployed)",
        "expose a service or set asyncEvents",
    );
    duplicates(args.services.map((s) => s.name)).forEach((n) =>
        p.add("services", n, "service names must be unique (they name the routes' resources)", "rename one of the services"),
    );
    duplicates(args.services.map((s) => s.basePath)).forEach((bp) =>
        p.add("services", bp, "base paths must be unique: two services cannot own the same /<basePath>", "give each service its own basePath"),
    );
    const cacheOn = args.cacheSizeGb !== undefined;
    args.services.forEach((s, i) => {
        const k = (field: string) => `services[${i}].${field}`;
        p.check(
            DNS_LABEL.test(s.name) && s.name.length <= 32,
            k("name"),
            s.name,
            "must be a DNS label of at most 32 characters (lowercase letters, digits, hyphens)",
            "rename the service, e.g. orders",
        );
        p.check(BASE_PATH.test(s.basePath), k("basePath"), s.basePath, "must be one lowercase path segment (letters, digits, hyphens; at most 63)", "use e.g. orders");
        if (args.asyncEvents !== undefined) {
            p.check(
                s.basePath !== ASYNC_BASE,
                k("basePath"),
                s.basePath,
                `"${ASYNC_BASE}" is reserved for the async route POST /${ASYNC_BASE}/{detailType}`,
                "choose another base path",
            );
        }
        if (typeof s.host === "string") {
            p.check(
                isDomainName(s.host),
                k("host"),
                s.host,
                "must be the service's host name on the internal ALB (lowercase FQDN, no scheme or path)",
                "use e.g. orders.internal.example.com",
            );
        }
        p.check(
            s.scopes.length > 0,
            k("scopes"),
            s.scopes,
            "at least one scope is required: a Cognito authorizer without scopes accepts any valid token, ID tokens included",
            'list the scopes a token must carry, e.g. ["orders.read"]',
        );
        s.scopes.forEach((scope, j) =>
            p.check(
                SCOPE_NAME.test(scope),
                `${k("scopes")}[${j}]`,
                scope,
                "must be a scope name: a lowercase letter, then lowercase letters, digits, . _ - (at most 64)",
                "use e.g. orders.read",
            ),
        );
        const publicPaths = s.publicPaths ?? [];
        publicPaths.forEach((pp, j) =>
            p.check(
                PUBLIC_PATH.test(pp),
                `${k("publicPaths")}[${j}]`,
                pp,
                "must be a relative path below basePath: segments of lowercase letters, digits, _ - separated by / (no leading or trailing /, no {parameters})",
                "use e.g. health",
            ),
        );
        duplicates([...publicPaths]).forEach((pp) => p.add(k("publicPaths"), pp, "public paths must be unique", "remove the duplicate"));
        const ttl = s.cacheTtlSeconds ?? 0;
        p.check(Number.isInteger(ttl) && within(ttl, 0, 3600), k("cacheTtlSeconds"), ttl, "must be an integer 0-3600 seconds (API Gateway cache TTL)", "use 0 to disable caching");
        if (ttl > 0) {
            p.check(cacheOn, k("cacheTtlSeconds"), ttl, "caching needs a stage cache cluster: set cacheSizeGb", "set cacheSizeGb or cacheTtlSeconds to 0");
        }
        if (s.rateLimit !== undefined) {
            p.check(
                within(s.rateLimit, 0.001, rateOk ? rate : accountRate),
                k("rateLimit"),
                s.rateLimit,
                `must be > 0 and at most the stage limit throttle.rateLimit (${rate}) and the account limit (${accountRate} rps)`,
                "lower the route limit or raise the stage limit",
            );
        }
        if (s.burstLimit !== undefined) {
            p.check(
                Number.isInteger(s.burstLimit) && within(s.burstLimit, 1, burstOk ? burst : accountBurst),
                k("burstLimit"),
                s.burstLimit,
                `must be an integer 1 to the stage burst throttle.burstLimit (${burst}), within the account burst (${accountBurst})`,
                "lower the route burst or raise the stage burst",
            );
        }
    });
    const resourceCount = args.services.reduce((n, s) => n + planServiceRoutes(s).length, 0) + (args.asyncEvents ? 2 : 0);
    p.check(
        resourceCount <= MAX_RESOURCES_PER_API,
        "services",
        `${resourceCount} resources`,
        `a REST API allows at most ${MAX_RESOURCES_PER_API} resources (default quota)`,
        "expose fewer public paths or split the API",
    );

    // Cache.
    if (args.cacheSizeGb !== undefined) {
        p.check(
            (LIMITS.apiCacheSizes as readonly string[]).includes(args.cacheSizeGb),
            "cacheSizeGb",
            args.cacheSizeGb,
            `must be one of ${LIMITS.apiCacheSizes.join(", ")} (GB, API Gateway cache cluster sizes)`,
            "pick an allowed cache cluster size",
        );
    }

    // Scopes and auth.
    const auth = args.auth;
    const scopes = resourceServerScopes(args);
    p.check(
        scopes.length <= MAX_CUSTOM_SCOPES,
        "services",
        `${scopes.length} scopes`,
        `at most ${MAX_CUSTOM_SCOPES} distinct scopes: an app client allows 50 OAuth scopes and the user client also needs openid and email`,
        "share scopes between services",
    );
    const rsId = auth.resourceServerIdentifier ?? d.auth.resourceServerIdentifier;
    p.check(
        /^[\x21\x23-\x5B\x5D-\x7E]{1,256}$/.test(rsId),
        "auth.resourceServerIdentifier",
        rsId,
        "must be 1-256 printable characters without spaces, quotes or backslashes (Cognito resource server identifier)",
        "use e.g. api or https://api.example.com",
    );
    const prefix = auth.domainPrefix;
    if (typeof prefix === "string") {
        p.check(isCognitoDomainPrefix(prefix), "auth.domainPrefix", prefix, COGNITO_DOMAIN_PREFIX_RULE, "use e.g. platform-prod-123456789012 (unique in the Region)");
    }
    const tier = auth.userPoolTier ?? d.auth.userPoolTier;
    const threat = auth.threatProtection ?? d.auth.threatProtection;
    if (threat !== "OFF") {
        p.check(
            tier === "PLUS",
            "auth.threatProtection",
            threat,
            `threat protection (advancedSecurityMode ${threat}) requires the PLUS user pool tier, not ${tier}`,
            "set auth.userPoolTier to PLUS, or auth.threatProtection to OFF",
        );
    }
    const minLength = auth.passwordMinimumLength ?? d.auth.passwordMinimumLength;
    p.check(
        Number.isInteger(minLength) && within(minLength, 12, 99),
        "auth.passwordMinimumLength",
        minLength,
        "must be an integer 12-99 (platform minimum 12; Cognito maximum 99)",
        "use e.g. 14",
    );
    const tempDays = auth.temporaryPasswordValidityDays ?? d.auth.temporaryPasswordValidityDays;
    p.check(Number.isInteger(tempDays) && within(tempDays, 1, 365), "auth.temporaryPasswordValidityDays", tempDays, "must be an integer 1-365 days", "use e.g. 3");
    const access = auth.accessTokenValidityMinutes ?? d.auth.accessTokenValidityMinutes;
    p.check(
        Number.isInteger(access) && within(access, 5, 1440),
        "auth.accessTokenValidityMinutes",
        access,
        "must be an integer 5-1440 minutes (Cognito: 5 minutes to 1 day)",
        "use e.g. 60",
    );
    const idValidity = auth.idTokenValidityMinutes ?? d.auth.idTokenValidityMinutes;
    p.check(
        Number.isInteger(idValidity) && within(idValidity, 5, 1440),
        "auth.idTokenValidityMinutes",
        idValidity,
        "must be an integer 5-1440 minutes (Cognito: 5 minutes to 1 day)",
        "use e.g. 60",
    );
    const refresh = auth.refreshTokenValidityDays ?? d.auth.refreshTokenValidityDays;
    p.check(
        Number.isInteger(refresh) && within(refresh, 1, 3650),
        "auth.refreshTokenValidityDays",
        refresh,
        "must be an integer 1-3650 days (Cognito: 1 hour to 10 years)",
        "use e.g. 30",
    );
    const callbacks = auth.callbackUrls ?? [];
    callbacks.forEach((url, i) =>
        p.check(urlProblem(url), `auth.callbackUrls[${i}]`, url, "must be an https URL without a fragment (http only for localhost)", "use e.g. https://app.example.com/callback"),
    );
    (auth.logoutUrls ?? []).forEach((url, i) =>
        p.check(urlProblem(url), `auth.logoutUrls[${i}]`, url, "must be an https URL without a fragment (http only for localhost)", "use e.g. https://app.example.com/"),
    );
    p.check(callbacks.length <= 100, "auth.callbackUrls", `${callbacks.length} URLs`, "at most 100 callback URLs per app client", "remove URLs");
    if ((auth.logoutUrls ?? []).length > 0) {
        p.check(
            callbacks.length > 0,
            "auth.logoutUrls",
            auth.logoutUrls,
            "sign-out URLs belong to the user client, which exists only with callbackUrls",
            "set auth.callbackUrls or remove auth.logoutUrls",
        );
    }

    // Custom domain, mTLS.
    const domain = args.customDomain;
    const policy = domain?.securityPolicy ?? d.securityPolicy;
    if (domain !== undefined) {
        p.check(
            isDomainName(domain.publicZoneName),
            "customDomain.publicZoneName",
            domain.publicZoneName,
            "must be a lowercase DNS domain such as example.com",
            "pass the public hosted zone's name",
        );
        p.check(
            isDomainName(domain.domainName) && isWithinZone(domain.domainName, domain.publicZoneName) && domain.domainName !== domain.publicZoneName,
            "customDomain.domainName",
            domain.domainName,
            `must be a lowercase domain name below the public zone ${domain.publicZoneName} (its certificate is DNS-validated and its alias created there)`,
            `use e.g. api.${domain.publicZoneName}`,
        );
        const bp = domain.basePath ?? d.domainBasePath;
        p.check(/^[A-Za-z0-9._-]{1,64}$/.test(bp), "customDomain.basePath", bp, "must be one path segment (letters, digits, . _ -)", "use e.g. v1");
        p.check(
            (REGIONAL_SECURITY_POLICIES as readonly string[]).includes(policy),
            "customDomain.securityPolicy",
            policy,
            `must be a Regional REST security policy: ${REGIONAL_SECURITY_POLICIES.join(", ")}`,
            "use TLS_1_2 (required with mTLS) or SecurityPolicy_TLS13_1_3_2025_09",
        );
    }
    if (args.mtls !== undefined) {
        const m = args.mtls;
        p.check(
            domain !== undefined,
            "mtls",
            m.truststoreFileName,
            "mTLS requires a Regional custom domain: set customDomain too (the execute-api endpoint cannot do mTLS)",
            "set customDomain or remove mtls",
        );
        p.check(
            args.storageKmsKeyArn !== undefined,
            "storageKmsKeyArn",
            undefined,
            "is required with mtls: the truststore bucket is encrypted with the storage CMK",
            "pass the storage key ARN",
        );
        if (domain !== undefined) {
            p.check(
                policy === "TLS_1_2",
                "customDomain.securityPolicy",
                policy,
                "must be TLS_1_2 with mTLS: API Gateway does not support mutual TLS on a domain with an enhanced (SecurityPolicy_*) policy",
                "set customDomain.securityPolicy to TLS_1_2 or remove mtls",
            );
        }
        p.check(
            /^[A-Za-z0-9][A-Za-z0-9._/-]{0,254}\.pem$/.test(m.truststoreFileName) && !m.truststoreFileName.includes(".."),
            "mtls.truststoreFileName",
            m.truststoreFileName,
            "must be an S3 object key ending in .pem (letters, digits, . _ - /; at most 255)",
            "use e.g. truststore.pem",
        );
        for (const { problem, fix } of truststoreProblems(m.truststorePem)) {
            p.add("mtls.truststorePem", `${m.truststoreFileName} (${Buffer.byteLength(m.truststorePem, "utf8")} bytes)`, problem, fix);
        }
        if (args.cdnOnly === true) {
            p.add(
                "mtls",
                m.truststoreFileName,
                "cannot be combined with cdnOnly: an mTLS domain rejects CloudFront, which presents no client certificate, and cdnOnly rejects every client that bypasses CloudFront",
                "serve mTLS partners from a stack without cdnOnly, or remove mtls",
            );
        }
    }

    // Usage plans.
    const plans = args.usagePlans ?? [];
    const serviceNames = args.services.map((s) => s.name);
    duplicates(plans.map((u) => u.name)).forEach((n) => p.add("usagePlans", n, "usage plan names must be unique", "rename one of the plans"));
    duplicates(plans.flatMap((u) => [...new Set(u.consumers)])).forEach((c) =>
        p.add("usagePlans", c, "a consumer may belong to one usage plan only: API Gateway allows one key per consumer per stage", "keep the consumer in a single plan"),
    );
    plans.forEach((u, i) => {
        const k = (field: string) => `usagePlans[${i}].${field}`;
        p.check(DNS_LABEL.test(u.name) && u.name.length <= 64, k("name"), u.name, "must be a DNS label of at most 64 characters", "rename the plan");
        p.check(u.consumers.length > 0, k("consumers"), u.consumers, "a plan needs at least one consumer", "list the consumers or remove the plan");
        u.consumers.forEach((c, j) =>
            p.check(DNS_LABEL.test(c) && c.length <= 64, `${k("consumers")}[${j}]`, c, "must be a DNS label of at most 64 characters", "rename the consumer"),
        );
        duplicates([...u.consumers]).forEach((c) => p.add(k("consumers"), c, "consumers must be unique within a plan", "remove the duplicate"));
        p.check(
            within(u.rateLimit, 0.001, rateOk ? rate : accountRate),
            k("rateLimit"),
            u.rateLimit,
            `must be > 0 and at most the stage limit throttle.rateLimit (${rate})`,
            "lower the plan's rate limit",
        );
        p.check(
            Number.isInteger(u.burstLimit) && within(u.burstLimit, 1, burstOk ? burst : accountBurst),
            k("burstLimit"),
            u.burstLimit,
            `must be an integer 1 to the stage burst throttle.burstLimit (${burst})`,
            "lower the plan's burst limit",
        );
        if (u.quotaPerDay !== undefined) {
            p.check(Number.isInteger(u.quotaPerDay) && u.quotaPerDay >= 1, k("quotaPerDay"), u.quotaPerDay, "must be an integer >= 1 request per day", "remove it for no quota");
        }
        const covered = u.services ?? [];
        covered.forEach((name, j) =>
            p.check(
                serviceNames.includes(name),
                `${k("services")}[${j}]`,
                name,
                `must name a service of the API (${serviceNames.join(", ") || "none"})`,
                "list the services whose methods this plan's consumers call",
            ),
        );
        duplicates([...covered]).forEach((name) => p.add(k("services"), name, "services must be unique within a plan", "remove the duplicate"));
        if (u.asyncEvents === true) {
            p.check(
                args.asyncEvents !== undefined,
                k("asyncEvents"),
                true,
                `covers the async route POST /${ASYNC_BASE}/{detailType}, which this API does not have`,
                "set asyncEvents on the API or remove asyncEvents from the plan",
            );
        }
        p.check(
            covered.length > 0 || u.asyncEvents === true,
            k("services"),
            [...covered],
            "a plan must cover at least one service or the async route: API Gateway meters only methods that require an API key",
            "list the services the plan's consumers call, or set asyncEvents",
        );
        (u.scopes ?? []).forEach((scope, j) =>
            p.check(
                scopes.includes(scope),
                `${k("scopes")}[${j}]`,
                scope,
                `must be a scope of the API (${scopes.join(", ")})`,
                "use a scope one of the services (or the async route) declares",
            ),
        );
        if (u.scopes !== undefined) {
            p.check(
                u.scopes.length > 0,
                k("scopes"),
                [],
                "an app client without scopes cannot obtain a token for this API",
                "list the scopes or remove scopes to use the covered services' scopes",
            );
        }
    });

    // WAF.
    if (args.cdnOnly === true) {
        p.check(
            args.originVerify !== false,
            "originVerify",
            false,
            "cannot be false with cdnOnly: the WAF recognises CloudFront's requests by the secret origin header",
            "remove originVerify or set cdnOnly to false",
        );
    }
    const wafRate = args.wafRateLimit ?? d.wafRateLimit;
    p.check(
        Number.isInteger(wafRate) && within(wafRate, LIMITS.wafRateMin, LIMITS.wafRateMax),
        "wafRateLimit",
        wafRate,
        `must be an integer ${LIMITS.wafRateMin}-${LIMITS.wafRateMax} requests per 5 minutes (WAF rate-based rule)`,
        "use e.g. 2000",
    );

    // Async route.
    if (args.asyncEvents !== undefined) {
        const a = args.asyncEvents;
        p.check(
            /^[A-Za-z0-9._/-]{1,256}$/.test(a.source) && !a.source.startsWith("aws."),
            "asyncEvents.source",
            a.source,
            "must be 1-256 letters, digits, . _ / - and must not start with aws. (reserved for AWS services)",
            "use e.g. platform.api",
        );
        const scope = a.scope ?? d.asyncScope;
        p.check(
            SCOPE_NAME.test(scope),
            "asyncEvents.scope",
            scope,
            "must be a scope name: a lowercase letter, then lowercase letters, digits, . _ - (at most 64)",
            "use e.g. events.write",
        );
    }

    // Alarms.
    const errorRate = args.errorRateThresholdPercent ?? d.errorRateThresholdPercent;
    p.check(Number.isFinite(errorRate) && errorRate > 0 && errorRate < 100, "errorRateThresholdPercent", errorRate, "must be a percentage > 0 and < 100", "use e.g. 1");
    const latency = args.latencyP99ThresholdMs ?? d.latencyP99ThresholdMs;
    p.check(within(latency, 1, 30_000), "latencyP99ThresholdMs", latency, "must be 1-30000 ms (the integration timeout is at most 29 s)", "use e.g. 2000");

    return problems;
}

// ------------------------------------------------------------------------------------------------
// Component
// ------------------------------------------------------------------------------------------------

function putEventsRequestTemplate(source: string, busName: string): string {
    // escapeJavaScript also escapes single quotes (\'), which is not valid JSON: undo that.
    const esc = (expr: string) => `$util.escapeJavaScript(${expr}).replaceAll("\\\\'", "'")`;
    return [
        "{",
        '  "Entries": [',
        "    {",
        `      "Source": "${source}",`,
        `      "DetailType": "${esc("$input.params().path.get('detailType')")}",`,
        `      "Detail": "${esc("$input.json('$')")}",`,
        `      "EventBusName": "${busName}"`,
        "    }",
        "  ]",
        "}",
    ].join("\n");
}

/** Maps the PutEvents result to 202 with the event id (502 when EventBridge rejected the entry). */
export const PUT_EVENTS_RESPONSE_TEMPLATE = [
    "#set($result = $input.path('$'))",
    "#if($result.FailedEntryCount > 0)",
    "#set($context.responseOverride.status = 502)",
    '{"message": "The event was not accepted"}',
    "#else",
    '{"eventId": "$input.path(\'$.Entries[0].EventId\')"}',
    "#end",
].join("\n");

/** One method of a generated service resource. */
interface RouteMethod {
    readonly verb: string;
    /** Authorization NONE (GET/HEAD on a public path); otherwise the Cognito authorizer with the service's scopes. */
    readonly public: boolean;
    readonly apiKeyRequired: boolean;
    readonly parameters: Record<string, boolean>;
    readonly cacheKeys: string[];
}

export class SecureApi extends pulumi.ComponentResource {
    /** Base URL clients use: `https://<domain>/<basePath>` with a custom domain, else the stage's invoke URL. */
    public readonly url: pulumi.Output<string>;
    public readonly apiId: pulumi.Output<string>;
    public readonly stageName: pulumi.Output<string>;
    /** `arn:aws:apigateway:<region>::/restapis/<id>/stages/<stage>` (WAF association target). */
    public readonly stageArn: pulumi.Output<string>;
    public readonly executionArn: pulumi.Output<string>;
    public readonly userPoolId: pulumi.Output<string>;
    public readonly userPoolArn: pulumi.Output<string>;
    /** OAuth token endpoint of the Cognito domain. */
    public readonly tokenEndpoint: pulumi.Output<string>;
    /**
     * Client-credentials app client id by usage-plan consumer (each has its own secret; read it
     * from Cognito, it is not exported).
     */
    public readonly consumerClientIds: Readonly<Record<string, pulumi.Output<string>>>;
    /** Authorization-code + PKCE client; undefined when `auth.callbackUrls` is empty. */
    public readonly userClientId?: pulumi.Output<string>;
    public readonly resourceServerIdentifier: string;
    /** Full scope identifiers (`<resource server>/<scope>`) by scope name. */
    public readonly scopeIdentifiers: Readonly<Record<string, string>>;
    public readonly webAclArn: pulumi.Output<string>;
    public readonly vpcLinkId: pulumi.Output<string>;
    public readonly accessLogGroupName: pulumi.Output<string>;
    /** API key id by consumer (values are read from API Gateway, never exported). */
    public readonly apiKeyIds: Readonly<Record<string, pulumi.Output<string>>>;
    /** Custom domain's Regional target (alias name and zone); undefined without a domain. */
    public readonly domainRegionalName?: pulumi.Output<string>;
    public readonly domainRegionalZoneId?: pulumi.Output<string>;
    /** Header EdgeCdn must add (with `originVerifySecret`); undefined unless `originVerify`. */
    public readonly originVerifyHeaderName?: string;
    public readonly originVerifySecret?: pulumi.Output<string>;

    constructor(name: string, args: SecureApiArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:api:SecureApi", name, {}, opts);
        validateSecureApiArgs(args).throwIfAny(`SecureApi ${name}`);

        const d = SECURE_API_DEFAULTS;
        const region = args.region;
        const partition = partitionOf(region);
        const account = aws.getCallerIdentityOutput({}, { parent: this }).accountId;
        const apiName = args.apiName ?? `${pulumi.getProject()}-${pulumi.getStack()}-${name}`;
        const stageName = args.stageName ?? d.stageName;
        const throttle = args.throttle ?? d.throttle;
        const timeout = args.integrationTimeoutMs ?? d.integrationTimeoutMs;
        const retention = args.logRetentionDays ?? d.logRetentionDays;
        const ipAddressType = args.ipAddressType ?? d.ipAddressType;
        const domain = args.customDomain;
        const securityPolicy = domain?.securityPolicy ?? d.securityPolicy;
        const enhancedPolicy = securityPolicy.startsWith("SecurityPolicy_");
        const plans = args.usagePlans ?? [];
        const keyed = apiKeyCoverage(plans);
        const cacheOn = args.cacheSizeGb !== undefined;
        const cdnOnly = args.cdnOnly ?? d.cdnOnly;
        const originVerify = args.originVerify ?? cdnOnly;
        const auth = args.auth;
        const rsId = auth.resourceServerIdentifier ?? d.auth.resourceServerIdentifier;
        const scopes = resourceServerScopes(args);
        const fullScope = (scope: string) => `${rsId}/${scope}`;
        const protect = args.protect ?? d.protect;
        // Users (and the partners' truststore) outlive a mistaken destroy or replacement.
        const stateful: pulumi.CustomResourceOptions = { parent: this, protect, retainOnDelete: protect };

        // ---------------------------------------------------------------------------------------
        // Cognito: user pool, domain, resource server, clients.
        // ---------------------------------------------------------------------------------------
        const mfa = auth.mfa ?? d.auth.mfa;
        const threat = auth.threatProtection ?? d.auth.threatProtection;
        const userPool = new aws.cognito.UserPool(
            `${name}-users`,
            {
                usernameAttributes: ["email"],
                autoVerifiedAttributes: ["email"],
                usernameConfiguration: { caseSensitive: false },
                // Keep the verified address until the user verifies the new one.
                userAttributeUpdateSettings: { attributesRequireVerificationBeforeUpdates: ["email"] },
                adminCreateUserConfig: { allowAdminCreateUserOnly: true },
                passwordPolicy: {
                    minimumLength: auth.passwordMinimumLength ?? d.auth.passwordMinimumLength,
                    requireLowercase: true,
                    requireUppercase: true,
                    requireNumbers: true,
                    requireSymbols: true,
                    temporaryPasswordValidityDays: auth.temporaryPasswordValidityDays ?? d.auth.temporaryPasswordValidityDays,
                    // Password history is a threat-protection feature.
                    ...(threat !== "OFF" ? { passwordHistorySize: d.auth.passwordHistorySize } : {}),
                },
                mfaConfiguration: mfa,
                // With MFA OFF the software-token block must be absent, not disabled.
                ...(mfa !== "OFF" ? { softwareTokenMfaConfiguration: { enabled: true } } : {}),
                userPoolTier: auth.userPoolTier ?? d.auth.userPoolTier,
                ...(threat !== "OFF" ? { userPoolAddOns: { advancedSecurityMode: threat } } : {}),
                deletionProtection: (auth.deletionProtection ?? d.auth.deletionProtection) ? "ACTIVE" : "INACTIVE",
                accountRecoverySetting: { recoveryMechanisms: [{ name: "verified_email", priority: 1 }] },
            },
            stateful,
        );
        // A user pool has one prefix domain: a changed prefix must delete the old domain before
        // creating the new one (Cognito refuses a second: "User pool already has a domain configured").
        const authDomain = new aws.cognito.UserPoolDomain(
            `${name}-auth-domain`,
            { domain: auth.domainPrefix, userPoolId: userPool.id },
            { parent: this, deleteBeforeReplace: true },
        );
        const resourceServer = new aws.cognito.ResourceServer(
            `${name}-resource-server`,
            {
                userPoolId: userPool.id,
                identifier: rsId,
                name: apiName,
                scopes: scopes.map((scope) => ({ scopeName: scope, scopeDescription: scopeDescription(scope, args) })),
            },
            { parent: this },
        );
        const tokenValidity = {
            accessTokenValidity: auth.accessTokenValidityMinutes ?? d.auth.accessTokenValidityMinutes,
            idTokenValidity: auth.idTokenValidityMinutes ?? d.auth.idTokenValidityMinutes,
            refreshTokenValidity: auth.refreshTokenValidityDays ?? d.auth.refreshTokenValidityDays,
            tokenValidityUnits: { accessToken: "minutes", idToken: "minutes", refreshToken: "days" },
            preventUserExistenceErrors: "ENABLED",
            enableTokenRevocation: true,
        };
        // One client-credentials client per named consumer: each has its own secret (revoked alone)
        // and only the scopes of what its plan covers. The clients wait for the scopes to exist.
        const consumerClientIds: Record<string, pulumi.Output<string>> = {};
        for (const plan of plans) {
            const clientScopes = consumerScopes(plan, args).map(fullScope);
            for (const consumer of [...new Set(plan.consumers)]) {
                const client = new aws.cognito.UserPoolClient(
                    `${name}-client-${consumer}`,
                    {
                        userPoolId: userPool.id,
                        generateSecret: true,
                        allowedOauthFlowsUserPoolClient: true,
                        allowedOauthFlows: ["client_credentials"],
                        allowedOauthScopes: clientScopes,
                        explicitAuthFlows: ["ALLOW_REFRESH_TOKEN_AUTH"],
                        supportedIdentityProviders: ["COGNITO"],
                        ...tokenValidity,
                    },
                    { parent: this, dependsOn: [resourceServer] },
                );
                consumerClientIds[consumer] = client.id;
            }
        }
        const callbackUrls = auth.callbackUrls ?? [];
        let userClient: aws.cognito.UserPoolClient | undefined;
        if (callbackUrls.length > 0) {
            // A public client (no secret): Cognito then accepts PKCE (code_challenge) for the code flow.
            userClient = new aws.cognito.UserPoolClient(
                `${name}-user-client`,
                {
                    userPoolId: userPool.id,
                    generateSecret: false,
                    allowedOauthFlowsUserPoolClient: true,
                    allowedOauthFlows: ["code"],
                    // Known names, but through the resource server's output so the client waits for its scopes.
                    allowedOauthScopes: resourceServer.scopeIdentifiers.apply((ids) => {
                        const mine = new Set(userClientScopes(args).map(fullScope));
                        return ["openid", "email", ...ids.filter((id) => mine.has(id))];
                    }),
                    callbackUrls: [...callbackUrls],
                    logoutUrls: [...(auth.logoutUrls ?? [])],
                    explicitAuthFlows: ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
                    supportedIdentityProviders: ["COGNITO"],
                    ...tokenValidity,
                },
                { parent: this },
            );
        }

        // ---------------------------------------------------------------------------------------
        // REST API, authorizer, VPC link v2.
        // ---------------------------------------------------------------------------------------
        const api = new aws.apigateway.RestApi(
            `${name}-api`,
            {
                name: apiName,
                description: `Platform API (${name})`,
                endpointConfiguration: { types: "REGIONAL", ipAddressType },
                // With a custom domain, the default endpoint would bypass its TLS policy and mTLS.
                disableExecuteApiEndpoint: domain !== undefined,
                securityPolicy,
                ...(enhancedPolicy ? { endpointAccessMode: "STRICT" } : {}),
                apiKeySource: "HEADER",
            },
            { parent: this },
        );
        const authorizerArgs: aws.apigateway.AuthorizerArgs = {
            restApi: api.id,
            name: "cognito",
            type: "COGNITO_USER_POOLS",
            providerArns: [userPool.arn],
            identitySource: "method.request.header.Authorization",
            authorizerResultTtlInSeconds: d.authorizerResultTtlSeconds,
        };
        const authorizer = new aws.apigateway.Authorizer(`${name}-authorizer`, authorizerArgs, { parent: this });
        const vpcLink = new aws.apigatewayv2.VpcLink(`${name}-vpc-link`, { subnetIds: args.vpcLinkSubnetIds, securityGroupIds: [args.vpcLinkSecurityGroupId] }, { parent: this });

        // ---------------------------------------------------------------------------------------
        // Service routes.
        // ---------------------------------------------------------------------------------------
        const resources = new Map<string, aws.apigateway.Resource>();
        const parentId = (path: string): pulumi.Input<string> => {
            const parent = resources.get(path);
            if (path !== "/" && parent === undefined) {
                throw new Error(`SecureApi ${name}: route planning placed ${path} after its children`);
            }
            return parent?.id ?? api.rootResourceId;
        };
        const deploymentDeps: pulumi.Resource[] = [];
        // What the deployment snapshots, hashed into its trigger: the exact arguments of every
        // method, integration, response, model, validator and authorizer (ids included, so a
        // replaced resource redeploys too). Built from the same objects the resources receive, so no
        // setting can change without a redeployment.
        const definition: { readonly path: string; readonly args: Record<string, unknown> }[] = [{ path: "(authorizer)", args: { authorizer: authorizerArgs } }];
        const routesByService = new Map<string, PlannedRoute[]>();

        for (const service of args.services) {
            const routes = planServiceRoutes(service);
            routesByService.set(service.name, routes);
            const caching = (service.cacheTtlSeconds ?? 0) > 0;
            const serviceScopes = service.scopes.map(fullScope);
            for (const route of routes) {
                const resource = new aws.apigateway.Resource(
                    `${name}-resource${route.path}`,
                    { restApi: api.id, parentId: parentId(route.parentPath), pathPart: route.pathPart },
                    { parent: this },
                );
                resources.set(route.path, resource);

                // The protected ANY exists on every resource; a public path adds GET and HEAD without
                // a token (API Gateway prefers a concrete method over ANY), so other methods on a
                // public path still reach the service only with a token.
                const protectedParameters: Record<string, boolean> = {};
                const protectedCacheKeys: string[] = [];
                if (route.greedy) {
                    protectedParameters["method.request.path.proxy"] = true;
                    if (caching) {
                        protectedCacheKeys.push("method.request.path.proxy");
                    }
                }
                if (caching) {
                    // Per-caller cache entries: a cached response is never served to another token.
                    protectedParameters["method.request.header.Authorization"] = false;
                    protectedCacheKeys.push("method.request.header.Authorization");
                }
                const variants: RouteMethod[] = [
                    ...(route.isPublic ? PUBLIC_METHODS.map((verb): RouteMethod => ({ verb, public: true, apiKeyRequired: false, parameters: {}, cacheKeys: [] })) : []),
                    { verb: "ANY", public: false, apiKeyRequired: keyed.services.has(service.name), parameters: protectedParameters, cacheKeys: protectedCacheKeys },
                ];
                const backend = privateIntegrationPath(route);
                const uri = pulumi.interpolate`https://${service.host}${backend.uriPath}`;
                for (const variant of variants) {
                    const methodArgs: aws.apigateway.MethodArgs = {
                        restApi: api.id,
                        resourceId: resource.id,
                        httpMethod: variant.verb,
                        ...(variant.public ? { authorization: "NONE" } : { authorization: "COGNITO_USER_POOLS", authorizerId: authorizer.id, authorizationScopes: serviceScopes }),
                        apiKeyRequired: variant.apiKeyRequired,
                        ...(Object.keys(variant.parameters).length > 0 ? { requestParameters: variant.parameters } : {}),
                    };
                    const method = new aws.apigateway.Method(`${name}-method-${variant.verb}${route.path}`, methodArgs, { parent: this });
                    const integrationArgs: aws.apigateway.IntegrationArgs = {
                        restApi: api.id,
                        resourceId: resource.id,
                        httpMethod: method.httpMethod,
                        type: "HTTP_PROXY",
                        integrationHttpMethod: variant.verb,
                        connectionType: "VPC_LINK",
                        connectionId: vpcLink.id,
                        integrationTarget: args.loadBalancerArn,
                        uri,
                        timeoutMilliseconds: timeout,
                        requestParameters: backend.requestParameters,
                        ...(variant.cacheKeys.length > 0 ? { cacheKeyParameters: variant.cacheKeys } : {}),
                    };
                    const integration = new aws.apigateway.Integration(`${name}-integration-${variant.verb}${route.path}`, integrationArgs, { parent: this });
                    deploymentDeps.push(method, integration);
                    definition.push({ path: `${variant.verb} ${route.path}`, args: { method: methodArgs, integration: integrationArgs } });
                }
            }
        }

        // ---------------------------------------------------------------------------------------
        // Async route: POST /events/{detailType} -> EventBridge PutEvents -> 202.
        // ---------------------------------------------------------------------------------------
        if (args.asyncEvents !== undefined) {
            const a = args.asyncEvents;
            const scope = fullScope(a.scope ?? d.asyncScope);
            const eventsResource = new aws.apigateway.Resource(
                `${name}-resource/${ASYNC_BASE}`,
                { restApi: api.id, parentId: api.rootResourceId, pathPart: ASYNC_BASE },
                { parent: this },
            );
            const detailResource = new aws.apigateway.Resource(
                `${name}-resource/${ASYNC_BASE}/{detailType}`,
                { restApi: api.id, parentId: eventsResource.id, pathPart: "{detailType}" },
                { parent: this },
            );
            const modelArgs: aws.apigateway.ModelArgs = {
                restApi: api.id,
                // Model names are alphanumeric: autonaming's "-suffix" would be rejected.
                name: "EventRequest",
                contentType: "application/json",
                description: "Body of POST /events/{detailType}",
                schema: JSON.stringify(EVENT_REQUEST_SCHEMA),
            };
            const model = new aws.apigateway.Model(`${name}-event-model`, modelArgs, { parent: this });
            const validatorArgs: aws.apigateway.RequestValidatorArgs = {
                restApi: api.id,
                name: "body-and-parameters",
                validateRequestBody: true,
                validateRequestParameters: true,
            };
            const validator = new aws.apigateway.RequestValidator(`${name}-event-validator`, validatorArgs, { parent: this });
            const role = new aws.iam.Role(
                `${name}-events-role`,
                {
                    description: `API Gateway ${name}: PutEvents on the platform bus only`,
                    assumeRolePolicy: account.apply((acct) => assumeRolePolicy("apigateway.amazonaws.com", { StringEquals: { "aws:SourceAccount": acct } })),
                },
                { parent: this },
            );
            const rolePolicy = new aws.iam.RolePolicy(
                `${name}-events-put`,
                {
                    role: role.id,
                    policy: policyJson([{ Sid: "PutEventsOnPlatformBus", Effect: "Allow", Action: ["events:PutEvents"], Resource: [a.busArn] } satisfies PolicyStatementInput]),
                },
                { parent: this },
            );
            const methodArgs: aws.apigateway.MethodArgs = {
                restApi: api.id,
                resourceId: detailResource.id,
                httpMethod: "POST",
                authorization: "COGNITO_USER_POOLS",
                authorizerId: authorizer.id,
                authorizationScopes: [scope],
                apiKeyRequired: keyed.asyncEvents,
                requestParameters: { "method.request.path.detailType": true },
                requestValidatorId: validator.id,
                requestModels: { "application/json": model.name },
            };
            const method = new aws.apigateway.Method(`${name}-method-POST/${ASYNC_BASE}/{detailType}`, methodArgs, { parent: this });
            const uri = `arn:${partition}:apigateway:${region}:events:action/PutEvents`;
            const template = pulumi.output(a.busName).apply((bus) => putEventsRequestTemplate(a.source, bus));
            const integrationArgs: aws.apigateway.IntegrationArgs = {
                restApi: api.id,
                resourceId: detailResource.id,
                httpMethod: method.httpMethod,
                type: "AWS",
                integrationHttpMethod: "POST",
                uri,
                credentials: role.arn,
                passthroughBehavior: "NEVER",
                requestParameters: {
                    "integration.request.header.X-Amz-Target": "'AWSEvents.PutEvents'",
                    "integration.request.header.Content-Type": "'application/x-amz-json-1.1'",
                },
                requestTemplates: { "application/json": template },
                timeoutMilliseconds: timeout,
            };
            const integration = new aws.apigateway.Integration(
                `${name}-integration-POST/${ASYNC_BASE}/{detailType}`,
                integrationArgs,
                // The role must be able to put events before the first request arrives.
                { parent: this, dependsOn: [rolePolicy] },
            );
            const responseArgs = (statusCode: string): aws.apigateway.MethodResponseArgs => ({
                restApi: api.id,
                resourceId: detailResource.id,
                httpMethod: method.httpMethod,
                statusCode,
                responseModels: { "application/json": "Empty" },
            });
            const acceptedArgs = responseArgs("202");
            const failedArgs = responseArgs("502");
            const accepted = new aws.apigateway.MethodResponse(`${name}-response-202/${ASYNC_BASE}/{detailType}`, acceptedArgs, { parent: this });
            const failed = new aws.apigateway.MethodResponse(`${name}-response-502/${ASYNC_BASE}/{detailType}`, failedArgs, { parent: this });
            const acceptedMappingArgs: aws.apigateway.IntegrationResponseArgs = {
                restApi: api.id,
                resourceId: detailResource.id,
                httpMethod: method.httpMethod,
                statusCode: accepted.statusCode,
                responseTemplates: { "application/json": PUT_EVENTS_RESPONSE_TEMPLATE },
            };
            const failedMappingArgs: aws.apigateway.IntegrationResponseArgs = {
                restApi: api.id,
                resourceId: detailResource.id,
                httpMethod: method.httpMethod,
                statusCode: failed.statusCode,
                // EventBridge errors (throttling, access denied) are not the client's fault, and their details stay internal.
                selectionPattern: "[45]\\d{2}",
                responseTemplates: { "application/json": '{"message": "The event could not be published"}' },
            };
            const acceptedMapping = new aws.apigateway.IntegrationResponse(`${name}-integration-response-202/${ASYNC_BASE}/{detailType}`, acceptedMappingArgs, {
                parent: this,
                dependsOn: [integration],
            });
            const failedMapping = new aws.apigateway.IntegrationResponse(`${name}-integration-response-502/${ASYNC_BASE}/{detailType}`, failedMappingArgs, {
                parent: this,
                dependsOn: [integration],
            });
            deploymentDeps.push(method, integration, accepted, failed, acceptedMapping, failedMapping, model, validator);
            definition.push({
                path: `POST /${ASYNC_BASE}/{detailType}`,
                args: {
                    model: modelArgs,
                    validator: validatorArgs,
                    method: methodArgs,
                    integration: integrationArgs,
                    methodResponses: [acceptedArgs, failedArgs],
                    integrationResponses: [acceptedMappingArgs, failedMappingArgs],
                },
            });
        }

        // ---------------------------------------------------------------------------------------
        // Deployment and stage.
        // ---------------------------------------------------------------------------------------
        const redeployment = pulumi.output(definition).apply((resolved) => createHash("sha256").update(JSON.stringify(resolved)).digest("hex"));
        const deployment = new aws.apigateway.Deployment(
            `${name}-deployment`,
            { restApi: api.id, description: `Deployment of ${apiName}`, triggers: { redeployment } },
            // A deployment snapshots the methods that exist when it is created. Pulumi deletes
            // resources that left the program only after every create and update, so a removed
            // route is still in the new snapshot: after removing routes or public paths, re-snapshot
            // with `pulumi up --replace <this deployment's URN>`.
            { parent: this, dependsOn: deploymentDeps },
        );

        let accountSettings: aws.apigateway.Account | undefined;
        if (args.manageAccountCloudWatchRole ?? d.manageAccountCloudWatchRole) {
            const logsRole = new aws.iam.Role(
                `${name}-apigw-cloudwatch`,
                {
                    description: "API Gateway account role: writes access and execution logs of every API in this Region",
                    assumeRolePolicy: account.apply((acct) => assumeRolePolicy("apigateway.amazonaws.com", { StringEquals: { "aws:SourceAccount": acct } })),
                },
                { parent: this },
            );
            // Hand-written instead of AmazonAPIGatewayPushToCloudWatchLogs (Resource "*"): scoped to log groups of this account and Region.
            const logsPolicy = new aws.iam.RolePolicy(
                `${name}-apigw-cloudwatch-logs`,
                {
                    role: logsRole.id,
                    policy: policyJson(
                        account.apply((acct): PolicyStatement[] => [
                            {
                                Sid: "WriteApiGatewayLogs",
                                Effect: "Allow",
                                Action: [
                                    "logs:CreateLogGroup",
                                    "logs:CreateLogStream",
                                    "logs:DescribeLogGroups",
                                    "logs:DescribeLogStreams",
                                    "logs:PutLogEvents",
                                    "logs:GetLogEvents",
                                    "logs:FilterLogEvents",
                                ],
                                Resource: [`arn:${partition}:logs:${region}:${acct}:log-group:*`, `arn:${partition}:logs:${region}:${acct}:log-group:*:log-stream:*`],
                            },
                        ]),
                    ),
                },
                { parent: this },
            );
            accountSettings = new aws.apigateway.Account(`${name}-account`, { cloudwatchRoleArn: logsRole.arn }, { parent: this, dependsOn: [logsPolicy] });
        }

        const accessLogs = new aws.cloudwatch.LogGroup(`${name}-access-logs`, { retentionInDays: retention, kmsKeyId: args.logsKmsKeyArn }, { parent: this });
        const stage = new aws.apigateway.Stage(
            `${name}-stage`,
            {
                restApi: api.id,
                deployment: deployment.id,
                stageName,
                description: `Stage ${stageName} of ${apiName}`,
                xrayTracingEnabled: true,
                accessLogSettings: { destinationArn: accessLogs.arn, format: ACCESS_LOG_FORMAT },
                ...(cacheOn ? { cacheClusterEnabled: true, cacheClusterSize: args.cacheSizeGb } : { cacheClusterEnabled: false }),
            },
            { parent: this, dependsOn: accountSettings ? [accountSettings] : [] },
        );

        // Method settings: the stage default, then per-method overrides. A method override starts
        // from API Gateway's defaults (metrics off, logging OFF), not from `*/*`, so every override
        // repeats the base settings. They are chained: each is an UpdateStage call on the same stage.
        const base = {
            metricsEnabled: true,
            loggingLevel: "ERROR",
            dataTraceEnabled: false,
            throttlingRateLimit: throttle.rateLimit,
            throttlingBurstLimit: throttle.burstLimit,
            cachingEnabled: false,
            ...(cacheOn ? { cacheDataEncrypted: true } : {}),
        };
        const overrides = new Map<string, Record<string, unknown>>();
        for (const service of args.services) {
            const routes = routesByService.get(service.name) ?? [];
            const hasThrottle = service.rateLimit !== undefined || service.burstLimit !== undefined;
            const ttl = service.cacheTtlSeconds ?? 0;
            for (const route of routes) {
                for (const httpMethod of ANY_METHODS) {
                    const cached = ttl > 0 && httpMethod === "GET";
                    if (!hasThrottle && !cached) {
                        continue;
                    }
                    overrides.set(`${route.path.slice(1)}/${httpMethod}`, {
                        ...base,
                        throttlingRateLimit: service.rateLimit ?? throttle.rateLimit,
                        throttlingBurstLimit: service.burstLimit ?? throttle.burstLimit,
                        ...(cached
                            ? {
                                  cachingEnabled: true,
                                  cacheTtlInSeconds: ttl,
                                  cacheDataEncrypted: true,
                                  requireAuthorizationForCacheControl: true,
                                  unauthorizedCacheControlHeaderStrategy: "FAIL_WITH_403",
                              }
                            : {}),
                    });
                }
            }
        }
        let previous: aws.apigateway.MethodSettings = new aws.apigateway.MethodSettings(
            `${name}-settings-*/*`,
            { restApi: api.id, stageName: stage.stageName, methodPath: "*/*", settings: base },
            { parent: this },
        );
        for (const [methodPath, settings] of overrides) {
            previous = new aws.apigateway.MethodSettings(
                `${name}-settings-${methodPath}`,
                { restApi: api.id, stageName: stage.stageName, methodPath, settings },
                { parent: this, dependsOn: [previous] },
            );
        }

        // ---------------------------------------------------------------------------------------
        // Usage plans and API keys.
        // ---------------------------------------------------------------------------------------
        const apiKeyIds: Record<string, pulumi.Output<string>> = {};
        for (const plan of plans) {
            const usagePlan = new aws.apigateway.UsagePlan(
                `${name}-plan-${plan.name}`,
                {
                    description: `Usage plan ${plan.name} of ${apiName}`,
                    apiStages: [{ apiId: api.id, stage: stage.stageName }],
                    throttleSettings: { rateLimit: plan.rateLimit, burstLimit: plan.burstLimit },
                    ...(plan.quotaPerDay !== undefined ? { quotaSettings: { limit: plan.quotaPerDay, period: "DAY" } } : {}),
                },
                { parent: this },
            );
            for (const consumer of [...new Set(plan.consumers)]) {
                // No `value`: API Gateway generates the key, so it never passes through config.
                const key = new aws.apigateway.ApiKey(`${name}-key-${consumer}`, { description: `API key of ${consumer} (plan ${plan.name})`, enabled: true }, { parent: this });
                new aws.apigateway.UsagePlanKey(`${name}-plan-key-${plan.name}-${consumer}`, { keyId: key.id, keyType: "API_KEY", usagePlanId: usagePlan.id }, { parent: this });
                apiKeyIds[consumer] = key.id;
            }
        }

        // ---------------------------------------------------------------------------------------
        // WAF: web ACL, association with the stage, logging.
        // ---------------------------------------------------------------------------------------
        const visibility = (metric: string) => ({ cloudwatchMetricsEnabled: true, metricName: metric, sampledRequestsEnabled: true });
        const managedGroup = (rule: { name: string; priority: number }) => ({
            name: rule.name,
            priority: rule.priority,
            overrideAction: { none: {} },
            statement: { managedRuleGroupStatement: { vendorName: "AWS", name: rule.name } },
            visibilityConfig: visibility(`${name}-${rule.name}`),
        });
        let originSecret: random.RandomPassword | undefined;
        if (originVerify) {
            originSecret = new random.RandomPassword(`${name}-origin-verify`, { length: 32, special: false }, { parent: this });
        }
        // "The request does not carry CloudFront's secret header" (explicitly secret: the web ACL's
        // rules then stay encrypted in state).
        const withoutOriginHeader =
            originSecret !== undefined
                ? {
                      notStatement: {
                          statement: {
                              byteMatchStatement: {
                                  fieldToMatch: { singleHeader: { name: ORIGIN_VERIFY_HEADER } },
                                  positionalConstraint: "EXACTLY",
                                  searchString: pulumi.secret(originSecret.result),
                                  textTransformations: [{ priority: 0, type: "NONE" }],
                              },
                          },
                      },
                  }
                : undefined;
        const rules: pulumi.Input<aws.types.input.wafv2.WebAclRule>[] = [];
        if (cdnOnly && withoutOriginHeader !== undefined) {
            rules.push({
                name: WAF_RULES.originVerify.name,
                priority: WAF_RULES.originVerify.priority,
                action: { block: {} },
                statement: withoutOriginHeader,
                visibilityConfig: visibility(`${name}-${WAF_RULES.originVerify.name}`),
            });
        }
        rules.push(managedGroup(WAF_RULES.ipReputation));
        rules.push({
            name: WAF_RULES.rateLimit.name,
            priority: WAF_RULES.rateLimit.priority,
            action: { block: {} },
            statement: {
                rateBasedStatement: {
                    limit: args.wafRateLimit ?? d.wafRateLimit,
                    aggregateKeyType: "IP",
                    evaluationWindowSec: 300,
                    // Behind CloudFront the source IP is an edge location shared by many viewers, and
                    // FORWARDED_IP (X-Forwarded-For) is set by the client: count only requests that did
                    // not come through CloudFront, whose own WAF rate-limits per viewer.
                    ...(withoutOriginHeader !== undefined ? { scopeDownStatement: withoutOriginHeader } : {}),
                },
            },
            visibilityConfig: visibility(`${name}-${WAF_RULES.rateLimit.name}`),
        });
        rules.push(managedGroup(WAF_RULES.common));
        rules.push(managedGroup(WAF_RULES.knownBadInputs));
        const webAcl = new aws.wafv2.WebAcl(
            `${name}-waf`,
            { description: `Regional WAF of ${apiName}`, scope: "REGIONAL", defaultAction: { allow: {} }, rules, visibilityConfig: visibility(`${name}-waf`) },
            { parent: this },
        );
        new aws.wafv2.WebAclAssociation(`${name}-waf-association`, { resourceArn: stage.arn, webAclArn: webAcl.arn }, { parent: this });

        // WAF only logs to destinations named aws-waf-logs-*; namePrefix keeps that whatever autonaming is configured to do.
        const wafLogs = new aws.cloudwatch.LogGroup(
            `${name}-waf-logs`,
            { namePrefix: `aws-waf-logs-${apiName}-`, retentionInDays: retention, kmsKeyId: args.logsKmsKeyArn },
            { parent: this },
        );
        // Our own scoped delivery policy, so WAF does not grow the shared AWSWAF-LOGS account policy.
        const wafLogsPolicy = new aws.cloudwatch.LogResourcePolicy(
            `${name}-waf-logs-delivery`,
            {
                policyName: pulumi.interpolate`${wafLogs.name}-delivery`,
                policyDocument: policyJson(
                    pulumi.all([wafLogs.arn, account]).apply(([logArn, acct]): PolicyStatement[] => [
                        {
                            Sid: "WafLogDelivery",
                            Effect: "Allow",
                            Principal: { Service: "delivery.logs.amazonaws.com" },
                            Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
                            Resource: [`${logArn}:log-stream:*`],
                            Condition: { StringEquals: { "aws:SourceAccount": acct }, ArnLike: { "aws:SourceArn": `arn:${partition}:logs:${region}:${acct}:*` } },
                        },
                    ]),
                ),
            },
            { parent: this },
        );
        new aws.wafv2.WebAclLoggingConfiguration(
            `${name}-waf-logging`,
            {
                resourceArn: webAcl.arn,
                logDestinationConfigs: [wafLogs.arn],
                redactedFields: WAF_REDACTED_HEADERS.map((header) => ({ singleHeader: { name: header } })),
            },
            { parent: this, dependsOn: [wafLogsPolicy] },
        );

        // ---------------------------------------------------------------------------------------
        // Custom domain: certificate, truststore, domain, base path mapping, alias records.
        // ---------------------------------------------------------------------------------------
        let domainName: aws.apigateway.DomainName | undefined;
        if (domain !== undefined) {
            // A Regional domain's certificate must live in the API's Region.
            const certificate = new aws.acm.Certificate(
                `${name}-certificate`,
                { region, domainName: domain.domainName, validationMethod: "DNS", keyAlgorithm: "RSA_2048" },
                { parent: this },
            );
            const option = certificate.domainValidationOptions[0];
            const validationRecord = new aws.route53.Record(
                `${name}-certificate-validation-record`,
                {
                    zoneId: domain.publicZoneId,
                    name: option.resourceRecordName,
                    type: option.resourceRecordType,
                    records: [option.resourceRecordValue],
                    ttl: 60,
                    allowOverwrite: true,
                },
                { parent: this },
            );
            const validation = new aws.acm.CertificateValidation(
                `${name}-certificate-validation`,
                { region, certificateArn: certificate.arn, validationRecordFqdns: [validationRecord.fqdn] },
                { parent: this },
            );

            let mutualTls: aws.types.input.apigateway.DomainNameMutualTlsAuthentication | undefined;
            if (args.mtls !== undefined && args.storageKmsKeyArn !== undefined) {
                mutualTls = this.truststore(name, args.mtls, args.storageKmsKeyArn, stateful);
            }
            domainName = new aws.apigateway.DomainName(
                `${name}-domain`,
                {
                    domainName: domain.domainName,
                    regionalCertificateArn: validation.certificateArn,
                    endpointConfiguration: { types: "REGIONAL", ipAddressType },
                    securityPolicy,
                    ...(enhancedPolicy ? { endpointAccessMode: "STRICT" } : {}),
                    ...(mutualTls !== undefined ? { mutualTlsAuthentication: mutualTls } : {}),
                },
                { parent: this },
            );
            new aws.apigateway.BasePathMapping(
                `${name}-base-path`,
                { domainName: domainName.domainName, restApi: api.id, stageName: stage.stageName, basePath: domain.basePath ?? d.domainBasePath },
                { parent: this },
            );
            const alias = [{ name: domainName.regionalDomainName, zoneId: domainName.regionalZoneId, evaluateTargetHealth: false }];
            new aws.route53.Record(`${name}-domain-a`, { zoneId: domain.publicZoneId, name: domain.domainName, type: "A", aliases: alias }, { parent: this });
            if (ipAddressType === "dualstack") {
                new aws.route53.Record(`${name}-domain-aaaa`, { zoneId: domain.publicZoneId, name: domain.domainName, type: "AAAA", aliases: alias }, { parent: this });
            }
        }

        // ---------------------------------------------------------------------------------------
        // Alarms.
        // ---------------------------------------------------------------------------------------
        const actions = args.alarmTopicArn !== undefined ? [args.alarmTopicArn] : [];
        const dimensions = { ApiName: apiName, Stage: stageName };
        new aws.cloudwatch.MetricAlarm(
            `${name}-5xx-rate`,
            {
                alarmDescription: `${apiName}/${stageName}: more than ${args.errorRateThresholdPercent ?? d.errorRateThresholdPercent}% of requests answered 5XX`,
                comparisonOperator: "GreaterThanThreshold",
                threshold: args.errorRateThresholdPercent ?? d.errorRateThresholdPercent,
                evaluationPeriods: 5,
                datapointsToAlarm: 3,
                treatMissingData: "notBreaching",
                metricQueries: [
                    { id: "errors", returnData: false, metric: { namespace: "AWS/ApiGateway", metricName: "5XXError", dimensions, period: 60, stat: "Sum" } },
                    { id: "requests", returnData: false, metric: { namespace: "AWS/ApiGateway", metricName: "Count", dimensions, period: 60, stat: "Sum" } },
                    { id: "errorRate", label: "5XX error rate (%)", returnData: true, expression: "IF(requests > 0, 100 * errors / requests, 0)" },
                ],
                alarmActions: actions,
                okActions: actions,
            },
            { parent: this },
        );
        new aws.cloudwatch.MetricAlarm(
            `${name}-latency-p99`,
            {
                alarmDescription: `${apiName}/${stageName}: p99 latency above ${args.latencyP99ThresholdMs ?? d.latencyP99ThresholdMs} ms`,
                namespace: "AWS/ApiGateway",
                metricName: "Latency",
                dimensions,
                extendedStatistic: "p99",
                period: 60,
                comparisonOperator: "GreaterThanThreshold",
                threshold: args.latencyP99ThresholdMs ?? d.latencyP99ThresholdMs,
                evaluationPeriods: 5,
                datapointsToAlarm: 3,
                treatMissingData: "notBreaching",
                alarmActions: actions,
                okActions: actions,
            },
            { parent: this },
        );

        // ---------------------------------------------------------------------------------------
        // Outputs.
        // ---------------------------------------------------------------------------------------
        this.apiId = api.id;
        this.stageName = stage.stageName;
        this.stageArn = stage.arn;
        this.executionArn = api.executionArn;
        this.url = domain !== undefined ? pulumi.output(`https://${domain.domainName}/${domain.basePath ?? d.domainBasePath}`) : stage.invokeUrl;
        this.userPoolId = userPool.id;
        this.userPoolArn = userPool.arn;
        this.tokenEndpoint = pulumi.interpolate`https://${authDomain.domain}.auth.${region}.amazoncognito.com/oauth2/token`;
        this.consumerClientIds = consumerClientIds;
        this.userClientId = userClient?.id;
        this.resourceServerIdentifier = rsId;
        this.scopeIdentifiers = Object.fromEntries(scopes.map((s) => [s, fullScope(s)]));
        this.webAclArn = webAcl.arn;
        this.vpcLinkId = vpcLink.id;
        this.accessLogGroupName = accessLogs.name;
        this.apiKeyIds = apiKeyIds;
        this.domainRegionalName = domainName?.regionalDomainName;
        this.domainRegionalZoneId = domainName?.regionalZoneId;
        this.originVerifyHeaderName = originSecret !== undefined ? ORIGIN_VERIFY_HEADER : undefined;
        this.originVerifySecret = originSecret !== undefined ? pulumi.secret(originSecret.result) : undefined;

        this.registerOutputs({
            url: this.url,
            apiId: this.apiId,
            stageName: this.stageName,
            stageArn: this.stageArn,
            executionArn: this.executionArn,
            userPoolId: this.userPoolId,
            userPoolArn: this.userPoolArn,
            tokenEndpoint: this.tokenEndpoint,
            consumerClientIds: this.consumerClientIds,
            userClientId: this.userClientId,
            resourceServerIdentifier: this.resourceServerIdentifier,
            webAclArn: this.webAclArn,
            vpcLinkId: this.vpcLinkId,
            domainRegionalName: this.domainRegionalName,
            domainRegionalZoneId: this.domainRegionalZoneId,
            originVerifyHeaderName: this.originVerifyHeaderName,
            originVerifySecret: this.originVerifySecret,
        });
    }

    /** Private, versioned, SSE-KMS, TLS-only truststore bucket; returns the domain's pinned mTLS settings. */
    private truststore(
        name: string,
        mtls: SecureApiMtls,
        storageKeyArn: pulumi.Input<string>,
        stateful: pulumi.CustomResourceOptions,
    ): aws.types.input.apigateway.DomainNameMutualTlsAuthentication {
        const bucket = new aws.s3.Bucket(`${name}-truststore`, { forceDestroy: false }, stateful);
        new aws.s3.BucketOwnershipControls(`${name}-truststore-ownership`, { bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } }, { parent: this });
        const publicAccess = new aws.s3.BucketPublicAccessBlock(
            `${name}-truststore-public-access`,
            { bucket: bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
            { parent: this },
        );
        const versioning = new aws.s3.BucketVersioning(`${name}-truststore-versioning`, { bucket: bucket.id, versioningConfiguration: { status: "Enabled" } }, { parent: this });
        const encryption = new aws.s3.BucketServerSideEncryptionConfiguration(
            `${name}-truststore-encryption`,
            { bucket: bucket.id, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: storageKeyArn }, bucketKeyEnabled: true }] },
            { parent: this },
        );
        new aws.s3.BucketPolicy(
            `${name}-truststore-policy`,
            { bucket: bucket.id, policy: policyJson(bucket.arn.apply((arn) => [denyInsecureTransport(["s3:*"], [arn, `${arn}/*`])])) },
            // PutBucketPolicy fails while the public access block is being applied.
            { parent: this, dependsOn: [publicAccess] },
        );
        // Versioning and default encryption first: the object's version id is what the domain pins.
        const object = new aws.s3.BucketObjectv2(
            `${name}-truststore-object`,
            {
                bucket: bucket.id,
                key: mtls.truststoreFileName,
                content: mtls.truststorePem,
                contentType: "application/x-pem-file",
                serverSideEncryption: "aws:kms",
                kmsKeyId: storageKeyArn,
            },
            { parent: this, dependsOn: [versioning, encryption] },
        );
        return { truststoreUri: pulumi.interpolate`s3://${bucket.bucket}/${object.key}`, truststoreVersion: object.versionId };
    }
}

function scopeDescription(scope: string, args: Pick<SecureApiArgs, "services" | "asyncEvents">): string {
    const owners = args.services.filter((s) => s.scopes.includes(scope)).map((s) => s.name);
    if (args.asyncEvents !== undefined && (args.asyncEvents.scope ?? SECURE_API_DEFAULTS.asyncScope) === scope) {
        owners.push(`POST /${ASYNC_BASE}`);
    }
    return `${scope}: required by ${owners.join(", ")}`.slice(0, 256);
}

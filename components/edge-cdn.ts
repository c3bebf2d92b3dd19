/**
 * EdgeCdn: the public edge of the platform. One CloudFront distribution serves static content from
 * a private, SSE-KMS encrypted S3 bucket through Origin Access Control, and the SecureApi through its
 * Regional custom domain under one path pattern (default `/api/*`; not cached unless configured, with
 * optional short-TTL behaviors for chosen API paths), behind a CLOUDFRONT-scope WAFv2 web ACL (logged,
 * credentials redacted), with an ACM certificate, security response headers, standard logging (v2)
 * to an encrypted log group, a 5xx alarm (whose actions must be us-east-1 topics) and Route 53 alias
 * records.
 *
 * CloudFront is a global service whose control-plane companions live in us-east-1: the viewer
 * certificate, the CLOUDFRONT-scope web ACL and its logs, the distribution's CloudWatch metrics
 * (hence its alarms) and the v2 log delivery. Each of those resources carries `region: "us-east-1"` (the
 * @pulumi/aws v7 per-resource Region argument), so the component needs no second provider and works
 * whatever the stack's Region; the site bucket and its key stay in the stack's Region.
 *
 * Why not awsx or a higher-level construct: awsx has no CloudFront component, and the security
 * settings here (OAC + key policy scoped to the distribution, Host header not forwarded to API
 * Gateway, us-east-1 placement) are exactly what the tests pin down, so they are written out.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Problem, Problems, ValidationError } from "../config/problems";
import { LIMITS } from "../config/resolve";
import { PolicyStatement, denyInsecureTransport, policyJson } from "../lib/iam";
import { isDomainName, isWithinZone } from "../lib/naming";

// ------------------------------------------------------------------------------------------------
// AWS constants
// ------------------------------------------------------------------------------------------------

/** CloudFront's global control plane, certificate, CLOUDFRONT-scope WAF, metrics and log delivery Region. */
export const CLOUDFRONT_CONTROL_REGION = "us-east-1";

/** Hosted zone id of every CloudFront distribution, the target zone of Route 53 alias records. */
export const CLOUDFRONT_HOSTED_ZONE_ID = "Z2FDTNDATAQYW2";

/**
 * Ids of the AWS managed CloudFront policies used here. AWS fixes them for every account (the same
 * constants aws-cdk-lib ships as CachePolicy.CACHING_OPTIMIZED etc.), so they are data, not lookups:
 * no invoke, and a plan shows the real id.
 */
export const MANAGED_POLICY_IDS = {
    /** Managed-CachingOptimized (cache policy). */
    cachingOptimized: "658327ea-f89d-4fab-a63d-7e88639e58f6",
    /** Managed-CachingDisabled (cache policy). */
    cachingDisabled: "4135ea2d-6df8-44a3-9df3-4b5a84be39ad",
    /** Managed-AllViewerExceptHostHeader (origin request policy): every viewer header but Host. */
    allViewerExceptHostHeader: "b689b0a8-53d0-40ab-baf2-68738e2966ac",
} as const;

export const PRICE_CLASSES = ["PriceClass_100", "PriceClass_200", "PriceClass_All"] as const;

/** Viewer security policies with TLS 1.2+ and modern ciphers only. */
export const ALLOWED_MINIMUM_PROTOCOL_VERSIONS = ["TLSv1.2_2021", "TLSv1.2_2025", "TLSv1.3_2025"] as const;

/** Older CloudFront security policies: they accept TLS 1.0/1.1 or obsolete TLS 1.2 ciphers. */
export const REJECTED_MINIMUM_PROTOCOL_VERSIONS = ["SSLv3", "TLSv1", "TLSv1_2016", "TLSv1.1_2016", "TLSv1.2_2018", "TLSv1.2_2019"] as const;

export const GEO_RESTRICTION_TYPES = ["none", "whitelist", "blacklist"] as const;

/** ISO 3166-1 alpha-2 country codes (the 249 officially assigned codes), as CloudFront geo restriction takes them. */
export const ISO_COUNTRY_CODES: ReadonlySet<string> = new Set(
    (
        "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ " +
        "CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR " +
        "GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP " +
        "KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT " +
        "MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW " +
        "SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG " +
        "UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW"
    ).split(" "),
);

/** Headers CloudFront refuses to add to origin requests (CloudFront Developer Guide, "Add custom headers to origin requests"). */
const FORBIDDEN_ORIGIN_HEADERS = [
    "cache-control",
    "connection",
    "content-length",
    "cookie",
    "host",
    "if-match",
    "if-modified-since",
    "if-none-match",
    "if-range",
    "if-unmodified-since",
    "max-forwards",
    "pragma",
    "proxy-authorization",
    "proxy-connection",
    "range",
    "request-range",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "via",
    "x-real-ip",
];

/** Longest Content-Security-Policy value a response headers policy accepts (CloudFront quota). */
export const CSP_MAX_LENGTH = 1783;

/** HSTS preload lists require max-age of at least one year. */
export const HSTS_MIN_MAX_AGE_SECONDS = 31_536_000;

/**
 * CloudFront's default quota of cache behaviors per distribution (Amazon CloudFront Developer Guide,
 * Quotas: "Cache behaviors per distribution", adjustable). Counts the API behavior and each
 * `apiPathCaching` entry; the default behavior is not one of them.
 */
export const CLOUDFRONT_MAX_CACHE_BEHAVIORS = 25;

/** Longest API TTL: short edge caching only (an hour). */
export const API_CACHE_TTL_MAX_SECONDS = 3600;

/** ACM's default quota of domain names per certificate (adjustable; raise it before adding more aliases). */
export const ACM_MAX_NAMES_PER_CERTIFICATE = 10;

export const WAF_RATE_WINDOWS_SECONDS = [60, 120, 300, 600] as const;

/**
 * Fields of each access-log record (CloudFront standard logging v2). `cs(Cookie)` is left out on
 * purpose: it carries session cookies, and the logs must not become a credential store.
 */
export const ACCESS_LOG_FIELDS = [
    "date",
    "time",
    "x-edge-location",
    "c-ip",
    "c-country",
    "x-forwarded-for",
    "cs-method",
    "x-host-header",
    "cs-protocol",
    "cs-protocol-version",
    "cs-uri-stem",
    "cs-uri-query",
    "sc-status",
    "sc-bytes",
    "cs-bytes",
    "cs(Referer)",
    "cs(User-Agent)",
    "ssl-protocol",
    "ssl-cipher",
    "x-edge-result-type",
    "x-edge-response-result-type",
    "x-edge-detailed-result-type",
    "x-edge-request-id",
    "time-taken",
    "time-to-first-byte",
    "sc-content-type",
    "cache-behavior-path-pattern",
] as const;

const ALL_METHODS = ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"];
const SITE_ORIGIN_ID = "static-site";
const API_ORIGIN_ID = "api";

// ------------------------------------------------------------------------------------------------
// Args
// ------------------------------------------------------------------------------------------------

/** The shared secret header CloudFront adds to every API origin request, so the API can reject direct calls. */
export interface EdgeCdnOriginVerify {
    /** Header name, e.g. `X-Origin-Verify`. Not a header CloudFront refuses to set (Host, X-Amz-*, X-Edge-*, ...). */
    readonly headerName: string;
    /** Header value (at least 32 characters). Stored as a Pulumi secret whatever is passed. */
    readonly value: pulumi.Input<string>;
}

/** The SecureApi Regional custom domain, as CloudFront's custom origin. */
export interface EdgeCdnApiOrigin {
    /** The API's Regional custom domain name (e.g. `api.example.com`), whose certificate CloudFront validates. */
    readonly domainName: pulumi.Input<string>;
    /**
     * The API's base path mapping on that domain (e.g. `v1`). CloudFront forwards the viewer path
     * unchanged (prefixed by `originPath`), and API Gateway routes a custom-domain request by the
     * first path segment to the mapped stage. So the first segment of `originPath + apiPathPattern`
     * must equal this base path; when set, it is checked, and `apiPathPattern` defaults to `/<basePath>/*`.
     * @default no check; the API is assumed to be mapped at the first segment of `apiPathPattern`
     */
    readonly basePath?: string;
    /**
     * Prefix CloudFront adds to the origin path: starts with `/`, does not end with `/`.
     * @default no prefix: `/api/orders` reaches the origin as `/api/orders`
     */
    readonly originPath?: string;
    /**
     * Secret header added to origin requests (the API's WAF or authorizer checks it).
     * @default no header
     */
    readonly originVerify?: EdgeCdnOriginVerify;
}

/** An SNS topic whose Region is known as a plain value (an AlarmTopic has this shape). */
export interface EdgeCdnAlarmTopic {
    readonly topicArn: pulumi.Input<string>;
    /** The topic's Region; undefined when it is not known, which the validation rejects. */
    readonly region: string | undefined;
}

/** An API path cached at the edge for its own TTL. */
export interface EdgeCdnApiPathCache {
    /** CloudFront path pattern below the API's path pattern, e.g. `/v1/catalog/*` (`*` and `?` are wildcards). */
    readonly pathPattern: string;
    /** Edge TTL of GET/HEAD responses on this path, 0-3600 s; 0 disables caching for it. */
    readonly ttlSeconds: number;
}

export interface EdgeCdnGeoRestriction {
    /** `none`, `whitelist` or `blacklist`. */
    readonly type: string;
    /**
     * ISO 3166-1 alpha-2 country codes: at least one for whitelist/blacklist, none for `none`.
     * @default []
     */
    readonly locations?: readonly string[];
}

export interface EdgeCdnArgs {
    /** Alternate domain names of the distribution (at least one), each within `publicZoneName`; `*.` wildcards allowed. */
    readonly aliases: readonly string[];
    /** Public hosted zone that holds the certificate validation records and the alias records. */
    readonly publicZoneId: pulumi.Input<string>;
    /** Name of that public hosted zone (e.g. `example.com`), used to validate aliases. */
    readonly publicZoneName: string;
    /**
     * Primary name of the us-east-1 certificate; the aliases it does not cover become SANs.
     * @default the first alias
     */
    readonly certificateDomainName?: string;
    /** The SecureApi origin. */
    readonly apiOrigin: EdgeCdnApiOrigin;
    /**
     * Cache behavior path pattern routed to the API (a prefix such as `/api/*`). See `apiOrigin.basePath`.
     * @default `/<apiOrigin.basePath>/*` when basePath is set, else `/api/*`
     */
    readonly apiPathPattern?: string;
    /**
     * Edge cache TTL for API GET/HEAD responses, 0-3600 s. 0 uses the managed CachingDisabled policy;
     * above 0 a cache policy is created whose key includes the Authorization header, so one caller's
     * response is never served to another (and CloudFront forwards Authorization only if it is in the key).
     * @default 0
     */
    readonly apiCacheTtlSeconds?: number;
    /**
     * Paths of the API cached at the edge with their own TTL: each becomes a cache behavior placed
     * before the API's, in this order (CloudFront uses the first pattern that matches), with the same
     * origin request policy (every viewer header but Host) and a cache policy for its TTL whose key
     * includes Authorization, like `apiCacheTtlSeconds`. One cache policy per distinct TTL.
     * @default [] (every API path uses `apiCacheTtlSeconds`)
     */
    readonly apiPathCaching?: readonly EdgeCdnApiPathCache[];
    /**
     * `PriceClass_100`, `PriceClass_200` or `PriceClass_All`.
     * @default "PriceClass_100"
     */
    readonly priceClass?: string;
    /**
     * Viewer security policy: `TLSv1.2_2021`, `TLSv1.2_2025` or `TLSv1.3_2025`.
     * @default "TLSv1.2_2021"
     */
    readonly minimumProtocolVersion?: string;
    /**
     * Geo restriction.
     * @default { type: "none" }
     */
    readonly geoRestriction?: EdgeCdnGeoRestriction;
    /**
     * Content-Security-Policy response header (single line, at most 1783 characters).
     * @default "default-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'self'"
     */
    readonly contentSecurityPolicy?: string;
    /**
     * HSTS max-age in seconds, at least 31536000 (includeSubDomains and preload are always on).
     * @default 63072000 (two years)
     */
    readonly hstsMaxAgeSeconds?: number;
    /**
     * WAF rate-based rule: requests per client IP per evaluation window, 10-2,000,000.
     * @default 2000
     */
    readonly wafRateLimit?: number;
    /**
     * WAF rate-based rule evaluation window: 60, 120, 300 or 600 seconds.
     * @default 300
     */
    readonly wafRateEvaluationWindowSeconds?: number;
    /**
     * Rules of AWSManagedRulesCommonRuleSet switched to count (e.g. `SizeRestrictions_BODY` for
     * API uploads above 8 KB), instead of disabling the whole group.
     * @default [] (every rule blocks)
     */
    readonly wafCommonRuleSetCountRules?: readonly string[];
    /**
     * 5xxErrorRate alarm threshold in percent (0 < x <= 100).
     * @default 5
     */
    readonly errorRateThresholdPercent?: number;
    /**
     * Alarm and OK actions: SNS topic ARNs (plain strings), or topics whose Region is known before
     * deployment (`{ topicArn, region }`, which an AlarmTopic is). CloudWatch alarm actions must be in
     * the alarm's Region, and CloudFront alarms live in us-east-1, so each must be in us-east-1; an
     * ARN only known after deployment cannot be checked, so it is accepted only with its Region.
     * @default no actions: the alarm only changes state
     */
    readonly alarmActions?: readonly (string | EdgeCdnAlarmTopic)[];
    /**
     * Retention of the access-log group (a CloudWatch Logs retention value).
     * @default 365
     */
    readonly logRetentionDays?: number;
    /**
     * Waiting period before the component's KMS keys are deleted, 7-30 days.
     * @default 30
     */
    readonly keyDeletionWindowDays?: number;
    /**
     * Days a replaced or deleted site object version is kept.
     * @default 90
     */
    readonly noncurrentVersionExpirationDays?: number;
    /**
     * `protect` and `retainOnDelete` on the site bucket and the KMS keys.
     * @default true
     */
    readonly protectStatefulResources?: boolean;
}

/** Secure defaults, in one place. */
export const EDGE_CDN_DEFAULTS = {
    apiPathPattern: "/api/*",
    apiCacheTtlSeconds: 0,
    priceClass: "PriceClass_100",
    minimumProtocolVersion: "TLSv1.2_2021",
    geoRestrictionType: "none",
    contentSecurityPolicy: "default-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'self'",
    hstsMaxAgeSeconds: 63_072_000,
    wafRateLimit: 2000,
    wafRateEvaluationWindowSeconds: 300,
    errorRateThresholdPercent: 5,
    logRetentionDays: 365,
    keyDeletionWindowDays: 30,
    noncurrentVersionExpirationDays: 90,
    protectStatefulResources: true,
} as const;

// ------------------------------------------------------------------------------------------------
// Validation
// ------------------------------------------------------------------------------------------------

/** True when a certificate for `certName` (possibly `*.zone`) is valid for `host`. */
export function certificateCovers(certName: string, host: string): boolean {
    if (certName === host) {
        return true;
    }
    if (!certName.startsWith("*.") || host.startsWith("*.")) {
        return false;
    }
    const base = certName.slice(2);
    return host.endsWith(`.${base}`) && !host.slice(0, -(base.length + 1)).includes(".");
}

/** The certificate's names: the primary name first, then every alias it does not cover. */
export function certificateNames(primary: string, aliases: readonly string[]): string[] {
    const names = [primary];
    for (const alias of aliases) {
        if (!names.some((n) => certificateCovers(n, alias))) {
            names.push(alias);
        }
    }
    return names;
}

function isHostName(name: string): boolean {
    return isDomainName(name.startsWith("*.") ? name.slice(2) : name);
}

/** Region field of an ARN (`arn:partition:service:region:account:resource`), or undefined if not an ARN. */
function arnRegion(arn: string): string | undefined {
    const parts = arn.split(":");
    return parts.length >= 6 && parts[0] === "arn" ? parts[3] : undefined;
}

/**
 * Request headers the CLOUDFRONT web ACL's logs redact: bearer tokens, session cookies and, when set,
 * the origin-verify header (CloudFront adds it after WAF, so only a forged copy could be logged).
 */
export function wafRedactedHeaders(args: Pick<EdgeCdnArgs, "apiOrigin">): string[] {
    const verify = args.apiOrigin.originVerify?.headerName.toLowerCase();
    return ["authorization", "cookie", ...(verify !== undefined ? [verify] : [])];
}

/** The API path pattern in effect. */
function effectiveApiPathPattern(args: Pick<EdgeCdnArgs, "apiPathPattern" | "apiOrigin">): string {
    return args.apiPathPattern ?? (args.apiOrigin.basePath !== undefined ? `/${args.apiOrigin.basePath}/*` : EDGE_CDN_DEFAULTS.apiPathPattern);
}

/** Argument paths problems are reported under (`aliases[1]` is reported as `keyOf("aliases")[1]`). */
export type EdgeCdnArgPath =
    | "aliases"
    | "publicZoneName"
    | "certificateDomainName"
    | "apiOrigin.domainName"
    | "apiOrigin.basePath"
    | "apiOrigin.originPath"
    | "apiOrigin.originVerify.headerName"
    | "apiOrigin.originVerify.value"
    | "apiPathPattern"
    | "apiCacheTtlSeconds"
    | "apiPathCaching"
    | "priceClass"
    | "minimumProtocolVersion"
    | "geoRestriction.type"
    | "geoRestriction.locations"
    | "contentSecurityPolicy"
    | "hstsMaxAgeSeconds"
    | "wafRateLimit"
    | "wafRateEvaluationWindowSeconds"
    | "wafCommonRuleSetCountRules"
    | "errorRateThresholdPercent"
    | "alarmActions"
    | "logRetentionDays"
    | "keyDeletionWindowDays"
    | "noncurrentVersionExpirationDays";

/**
 * Every problem with EdgeCdn args, against CloudFront, ACM, Route 53, WAF and CloudWatch rules.
 * Pure; values that are Outputs (e.g. the origin-verify secret) are skipped. `publicZoneId` is not
 * needed, so the configuration can validate the args it will produce before any resource exists.
 * `keyOf` names the arguments in problems and messages: the configuration passes its own keys
 * (`aliases` -> `platform:cdnAliases`), so one set of rules serves both.
 */
export function validateEdgeCdnArgs(args: Omit<EdgeCdnArgs, "publicZoneId">, keyOf: (path: EdgeCdnArgPath) => string = (path) => path): Problem[] {
    const problems = new Problems();
    const zone = args.publicZoneName;
    const zoneOk = problems.check(
        isDomainName(zone),
        keyOf("publicZoneName"),
        zone,
        "must be a lowercase domain name (the public hosted zone, e.g. example.com)",
        "pass the name of the public zone whose id is publicZoneId",
    );

    // Aliases and certificate names: DNS validation and alias records go to the public zone.
    const apiDomain = typeof args.apiOrigin.domainName === "string" ? args.apiOrigin.domainName : undefined;
    problems.check(
        args.aliases.length > 0,
        keyOf("aliases"),
        args.aliases,
        "must list at least one alternate domain name (the distribution is served on it with the us-east-1 certificate)",
        `add e.g. "www.${zone}"`,
    );
    args.aliases.forEach((alias, i) => {
        if (!isHostName(alias)) {
            problems.add(`${keyOf("aliases")}[${i}]`, alias, 'must be a lowercase domain name, optionally starting with "*."', `use e.g. "www.${zone}"`);
        } else if (zoneOk && !isWithinZone(alias, zone)) {
            problems.add(
                `${keyOf("aliases")}[${i}]`,
                alias,
                `must be within the public zone ${zone} (its certificate is DNS-validated and its alias records are created there)`,
                `use a name ending in ".${zone}", or pass the zone that holds ${alias}`,
            );
        }
        if (args.aliases.indexOf(alias) !== i) {
            problems.add(`${keyOf("aliases")}[${i}]`, alias, "must be unique (CloudFront rejects duplicate alternate domain names)", "remove the duplicate");
        }
        if (alias === apiDomain) {
            problems.add(
                `${keyOf("aliases")}[${i}]`,
                alias,
                `must differ from the API's custom domain ${keyOf("apiOrigin.domainName")} (${apiDomain}): that name already has the API's A/AAAA records (a second pair fails with "record already exists"), and CloudFront would send API requests back to itself`,
                `serve the CDN on another name (e.g. "www.${zone}"), or give the API another domain`,
            );
        }
    });
    const primary = args.certificateDomainName ?? args.aliases[0];
    if (args.certificateDomainName !== undefined) {
        if (!isHostName(args.certificateDomainName)) {
            problems.add(
                keyOf("certificateDomainName"),
                args.certificateDomainName,
                'must be a lowercase domain name, optionally starting with "*."',
                `use e.g. "${zone}" or "*.${zone}"`,
            );
        } else if (zoneOk && !isWithinZone(args.certificateDomainName, zone)) {
            problems.add(
                keyOf("certificateDomainName"),
                args.certificateDomainName,
                `must be within the public zone ${zone} (ACM DNS validation records are created there)`,
                `use a name ending in ".${zone}" or the zone apex`,
            );
        }
    }
    if (primary !== undefined) {
        const names = certificateNames(primary, args.aliases);
        problems.check(
            names.length <= ACM_MAX_NAMES_PER_CERTIFICATE,
            keyOf("aliases"),
            args.aliases,
            `need ${names.length} names on one ACM certificate; ACM allows ${ACM_MAX_NAMES_PER_CERTIFICATE} by default`,
            `cover them with a wildcard name (e.g. "*.${zone}", as an alias or the certificate domain name); more names need a raised ACM quota and ACM_MAX_NAMES_PER_CERTIFICATE raised with it`,
        );
    }

    // Viewer side.
    const priceClass = args.priceClass ?? EDGE_CDN_DEFAULTS.priceClass;
    problems.check(
        (PRICE_CLASSES as readonly string[]).includes(priceClass),
        keyOf("priceClass"),
        priceClass,
        `must be one of ${PRICE_CLASSES.join(", ")}`,
        "pick one of the CloudFront price classes",
    );
    const tls = args.minimumProtocolVersion ?? EDGE_CDN_DEFAULTS.minimumProtocolVersion;
    if (!(ALLOWED_MINIMUM_PROTOCOL_VERSIONS as readonly string[]).includes(tls)) {
        const why = (REJECTED_MINIMUM_PROTOCOL_VERSIONS as readonly string[]).includes(tls)
            ? "is older than TLSv1.2_2021 (it accepts TLS 1.0/1.1 or obsolete TLS 1.2 ciphers)"
            : "is not a CloudFront viewer security policy";
        problems.add(
            keyOf("minimumProtocolVersion"),
            tls,
            `${why}; allowed: ${ALLOWED_MINIMUM_PROTOCOL_VERSIONS.join(", ")}`,
            `set "${ALLOWED_MINIMUM_PROTOCOL_VERSIONS[0]}" or newer`,
        );
    }
    const geoType = args.geoRestriction?.type ?? EDGE_CDN_DEFAULTS.geoRestrictionType;
    const geoLocations = args.geoRestriction?.locations ?? [];
    const geoTypeOk = problems.check(
        (GEO_RESTRICTION_TYPES as readonly string[]).includes(geoType),
        keyOf("geoRestriction.type"),
        geoType,
        `must be one of ${GEO_RESTRICTION_TYPES.join(", ")}`,
        "use none, whitelist (allow only the listed countries) or blacklist (block them)",
    );
    geoLocations.forEach((code, i) => {
        problems.check(
            ISO_COUNTRY_CODES.has(code),
            `${keyOf("geoRestriction.locations")}[${i}]`,
            code,
            "must be an ISO 3166-1 alpha-2 country code (two capital letters, officially assigned)",
            "use e.g. DE, US, GB",
        );
        problems.check(geoLocations.indexOf(code) === i, `${keyOf("geoRestriction.locations")}[${i}]`, code, "must be unique", "remove the duplicate");
    });
    if (geoTypeOk && (geoType === "none") !== (geoLocations.length === 0)) {
        problems.add(
            keyOf("geoRestriction.locations"),
            geoLocations,
            geoType === "none" ? `must be empty when ${keyOf("geoRestriction.type")} is none` : `must list at least one country for a ${geoType}`,
            "make the restriction type and the locations agree",
        );
    }

    // Response headers.
    const csp = args.contentSecurityPolicy ?? EDGE_CDN_DEFAULTS.contentSecurityPolicy;
    problems.check(
        csp.trim().length > 0 && !/[\r\n]/.test(csp) && csp.length <= CSP_MAX_LENGTH,
        keyOf("contentSecurityPolicy"),
        csp,
        `must be a non-empty single-line header value of at most ${CSP_MAX_LENGTH} characters (CloudFront limit)`,
        "write the policy on one line and shorten it",
    );
    const hsts = args.hstsMaxAgeSeconds ?? EDGE_CDN_DEFAULTS.hstsMaxAgeSeconds;
    problems.check(
        Number.isInteger(hsts) && hsts >= HSTS_MIN_MAX_AGE_SECONDS,
        keyOf("hstsMaxAgeSeconds"),
        hsts,
        `must be an integer of at least ${HSTS_MIN_MAX_AGE_SECONDS} (one year, required for HSTS preload)`,
        "use 63072000 (two years)",
    );

    // API origin and behavior.
    const origin = args.apiOrigin;
    if (typeof origin.domainName === "string") {
        problems.check(
            isDomainName(origin.domainName),
            keyOf("apiOrigin.domainName"),
            origin.domainName,
            "must be the API's custom domain name (lowercase, no scheme or path)",
            "pass the SecureApi Regional custom domain, e.g. api.example.com",
        );
    }
    const originPath = origin.originPath ?? "";
    if (origin.originPath !== undefined) {
        problems.check(
            /^(\/[A-Za-z0-9._~-]+)+$/.test(origin.originPath) && origin.originPath.length <= 255,
            keyOf("apiOrigin.originPath"),
            origin.originPath,
            'must start with "/", must not end with "/", and use path characters only (CloudFront origin path)',
            'use e.g. "/v1", or leave it unset',
        );
    }
    const pattern = effectiveApiPathPattern(args);
    const patternOk = problems.check(
        /^(\/[A-Za-z0-9._~-]+)+\/\*$/.test(pattern) && pattern.length <= 255,
        keyOf("apiPathPattern"),
        pattern,
        'must be a path prefix pattern "/<segment>[/<segment>...]/*" of at most 255 characters ("/*" is the static site\'s default behavior)',
        'use e.g. "/api/*"',
    );
    if (origin.basePath !== undefined) {
        const basePathOk = problems.check(
            /^[A-Za-z0-9._~-]+$/.test(origin.basePath),
            keyOf("apiOrigin.basePath"),
            origin.basePath,
            "must be one path segment (the API's base path mapping key)",
            'use e.g. "v1"',
        );
        if (basePathOk && patternOk) {
            // The origin sees originPath + viewer path; API Gateway routes on its first segment.
            const firstSegment = `${originPath}${pattern}`.split("/")[1];
            problems.check(
                firstSegment === origin.basePath,
                keyOf("apiPathPattern"),
                pattern,
                `sends requests to the origin as ${originPath}${pattern.slice(0, -1)}..., whose first segment "${firstSegment}" is not the API's base path mapping "${origin.basePath}", so API Gateway would answer 403`,
                `set apiPathPattern to "/${origin.basePath}/*" (and leave originPath unset), or map the API at "${firstSegment}"`,
            );
        }
    }
    if (origin.originVerify !== undefined) {
        const header = origin.originVerify.headerName;
        const lower = header.toLowerCase();
        problems.check(
            /^[A-Za-z0-9-]+$/.test(header) && !FORBIDDEN_ORIGIN_HEADERS.includes(lower) && !lower.startsWith("x-amz-") && !lower.startsWith("x-edge-"),
            keyOf("apiOrigin.originVerify.headerName"),
            header,
            "must be a header name (letters, digits, hyphens) that CloudFront may add to origin requests (not Host, Cookie, Via, X-Amz-*, X-Edge-*, ...)",
            'use e.g. "X-Origin-Verify"',
        );
        const value = origin.originVerify.value;
        if (typeof value === "string") {
            problems.check(
                value.length >= 32 && value.length <= 1783,
                keyOf("apiOrigin.originVerify.value"),
                "(secret, not shown)",
                `must be 32-1783 characters long (got ${value.length}): a short shared secret can be guessed`,
                "generate it with random.RandomPassword (length 48, no special characters)",
            );
        }
    }
    const ttlOk = (value: number) => Number.isInteger(value) && value >= 0 && value <= API_CACHE_TTL_MAX_SECONDS;
    const ttl = args.apiCacheTtlSeconds ?? EDGE_CDN_DEFAULTS.apiCacheTtlSeconds;
    problems.check(
        ttlOk(ttl),
        keyOf("apiCacheTtlSeconds"),
        ttl,
        `must be an integer from 0 (caching disabled) to ${API_CACHE_TTL_MAX_SECONDS} seconds`,
        "use 0, or a short TTL such as 60",
    );
    const pathCaching = args.apiPathCaching ?? [];
    problems.check(
        1 + pathCaching.length <= CLOUDFRONT_MAX_CACHE_BEHAVIORS,
        keyOf("apiPathCaching"),
        pathCaching.map((p) => p.pathPattern),
        `with the API's own behavior make ${1 + pathCaching.length} cache behaviors; CloudFront allows ${CLOUDFRONT_MAX_CACHE_BEHAVIORS} per distribution by default`,
        "cache fewer paths separately (a shared prefix pattern covers several), or raise the CloudFront quota and CLOUDFRONT_MAX_CACHE_BEHAVIORS with it",
    );
    // Below the API's pattern: a path outside it would send non-API requests to the API origin.
    const apiPrefix = patternOk ? pattern.slice(0, -1) : undefined;
    pathCaching.forEach((entry, i) => {
        const at = `${keyOf("apiPathCaching")}[${i}]`;
        problems.check(
            /^\/[A-Za-z0-9._~*?/-]+$/.test(entry.pathPattern) &&
                entry.pathPattern.length <= 255 &&
                (apiPrefix === undefined || (entry.pathPattern.startsWith(apiPrefix) && entry.pathPattern !== pattern)),
            `${at}.pathPattern`,
            entry.pathPattern,
            `must be a CloudFront path pattern (path characters, * and ?, at most 255) below the API's ${pattern}, other than ${pattern} itself`,
            `use e.g. "${apiPrefix ?? "/api/"}catalog/*"`,
        );
        problems.check(
            pathCaching.findIndex((other) => other.pathPattern === entry.pathPattern) === i,
            `${at}.pathPattern`,
            entry.pathPattern,
            "must be unique (CloudFront rejects two cache behaviors with one path pattern)",
            "remove the duplicate",
        );
        problems.check(
            ttlOk(entry.ttlSeconds),
            `${at}.ttlSeconds`,
            entry.ttlSeconds,
            `must be an integer from 0 (caching disabled) to ${API_CACHE_TTL_MAX_SECONDS} seconds`,
            "use a short TTL such as 60, or 0",
        );
    });

    // WAF.
    const rate = args.wafRateLimit ?? EDGE_CDN_DEFAULTS.wafRateLimit;
    problems.check(
        Number.isInteger(rate) && rate >= LIMITS.wafRateMin && rate <= LIMITS.wafRateMax,
        keyOf("wafRateLimit"),
        rate,
        `must be an integer from ${LIMITS.wafRateMin} to ${LIMITS.wafRateMax.toLocaleString("en-US")} requests per client IP per evaluation window`,
        "set a limit within range, e.g. 2000",
    );
    const window = args.wafRateEvaluationWindowSeconds ?? EDGE_CDN_DEFAULTS.wafRateEvaluationWindowSeconds;
    problems.check(
        (WAF_RATE_WINDOWS_SECONDS as readonly number[]).includes(window),
        keyOf("wafRateEvaluationWindowSeconds"),
        window,
        `must be one of ${WAF_RATE_WINDOWS_SECONDS.join(", ")} (WAF evaluation windows)`,
        "use 300",
    );
    (args.wafCommonRuleSetCountRules ?? []).forEach((rule, i) => {
        problems.check(
            /^[A-Za-z0-9_-]+$/.test(rule),
            `${keyOf("wafCommonRuleSetCountRules")}[${i}]`,
            rule,
            "must be a rule name of AWSManagedRulesCommonRuleSet",
            "use e.g. SizeRestrictions_BODY",
        );
    });

    // Alarm and logs.
    const threshold = args.errorRateThresholdPercent ?? EDGE_CDN_DEFAULTS.errorRateThresholdPercent;
    problems.check(threshold > 0 && threshold <= 100, keyOf("errorRateThresholdPercent"), threshold, "must be a percentage above 0 and at most 100", "use e.g. 5");
    (args.alarmActions ?? []).forEach((action, i) => {
        const plain = typeof action === "string";
        const region = plain ? arnRegion(action) : action.region;
        problems.check(
            region === CLOUDFRONT_CONTROL_REGION,
            `${keyOf("alarmActions")}[${i}]`,
            plain ? action : `a topic in ${action.region ?? "an unknown Region"}`,
            `must be ${plain ? "an ARN" : "a topic"} in ${CLOUDFRONT_CONTROL_REGION}: CloudFront metrics and therefore its alarms live there, and CloudWatch alarm actions must be in the alarm's Region`,
            `use an SNS topic created with region "${CLOUDFRONT_CONTROL_REGION}"`,
        );
    });
    const retention = args.logRetentionDays ?? EDGE_CDN_DEFAULTS.logRetentionDays;
    problems.check(
        (LIMITS.logRetentionDays as readonly number[]).includes(retention),
        keyOf("logRetentionDays"),
        retention,
        `must be a CloudWatch Logs retention value (${LIMITS.logRetentionDays.join(", ")})`,
        "use e.g. 365",
    );
    const deletionWindow = args.keyDeletionWindowDays ?? EDGE_CDN_DEFAULTS.keyDeletionWindowDays;
    problems.check(
        Number.isInteger(deletionWindow) && deletionWindow >= 7 && deletionWindow <= 30,
        keyOf("keyDeletionWindowDays"),
        deletionWindow,
        "must be an integer from 7 to 30 days (KMS limit)",
        "use 30",
    );
    const noncurrent = args.noncurrentVersionExpirationDays ?? EDGE_CDN_DEFAULTS.noncurrentVersionExpirationDays;
    problems.check(
        Number.isInteger(noncurrent) && noncurrent >= 1,
        keyOf("noncurrentVersionExpirationDays"),
        noncurrent,
        "must be a positive integer number of days",
        "use e.g. 90",
    );

    return [...problems.list];
}

// ------------------------------------------------------------------------------------------------
// Component
// ------------------------------------------------------------------------------------------------

/**
 * The account-root administration statement of a key policy (AWS's default key policy). Without it
 * a key can become unmanageable; it delegates access control to IAM and grants nothing by itself.
 */
function rootAdministration(rootPrincipal: string, resource: string): PolicyStatement {
    return { Sid: "EnableRootAccountAdministration", Effect: "Allow", Principal: { AWS: rootPrincipal }, Action: ["kms:*"], Resource: [resource] };
}

/** Turns a host name into a logical-name fragment (`*.example.com` -> `wildcard-example-com`). */
function nameFragment(host: string): string {
    return host.replace(/^\*\./, "wildcard.").replace(/[^a-z0-9]+/g, "-");
}

export class EdgeCdn extends pulumi.ComponentResource {
    public readonly distributionId: pulumi.Output<string>;
    public readonly distributionArn: pulumi.Output<string>;
    /** The distribution's `*.cloudfront.net` name. */
    public readonly domainName: pulumi.Output<string>;
    public readonly siteBucketName: pulumi.Output<string>;
    public readonly siteBucketArn: pulumi.Output<string>;
    public readonly webAclArn: pulumi.Output<string>;
    /** The us-east-1 viewer certificate, once validated. */
    public readonly certificateArn: pulumi.Output<string>;

    constructor(name: string, args: EdgeCdnArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:edge:EdgeCdn", name, {}, opts);

        const problems = validateEdgeCdnArgs(args);
        if (problems.length > 0) {
            throw new ValidationError(`EdgeCdn "${name}"`, problems);
        }

        const d = EDGE_CDN_DEFAULTS;
        const usEast1 = CLOUDFRONT_CONTROL_REGION;
        const protect = args.protectStatefulResources ?? d.protectStatefulResources;
        const stateful: pulumi.CustomResourceOptions = { parent: this, protect, retainOnDelete: protect };
        const deletionWindowInDays = args.keyDeletionWindowDays ?? d.keyDeletionWindowDays;
        const identity = aws.getCallerIdentityOutput({}, { parent: this });
        const partition = aws.getPartitionOutput({}, { parent: this });
        const rootPrincipal = pulumi.interpolate`arn:${partition.partition}:iam::${identity.accountId}:root`;
        // Physical names that must be known before their resources exist (see the log group below).
        const physicalBase = `${pulumi.getProject()}-${pulumi.getStack()}-${name}`.replace(/[^A-Za-z0-9_-]/g, "-").slice(0, 44);

        /**
         * A customer-managed key whose policy is owned by an aws.kms.KeyPolicy. The key is created with
         * an account-root-only policy (the KMS default, so it can never be locked out); the real
         * policy references resources that need the key first (the distribution, the log group), so
         * it is attached afterwards. `ignoreChanges: ["policy"]` leaves the policy to the KeyPolicy:
         * otherwise the key and the KeyPolicy would overwrite each other on every update.
         * `grants(keyArn)` returns the statements after the root one, with every Output resolved.
         */
        const createKey = (suffix: string, description: string, region: string | undefined, grants: (keyArn: pulumi.Output<string>) => pulumi.Output<PolicyStatement[]>) => {
            const key = new aws.kms.Key(
                `${name}-${suffix}`,
                {
                    description,
                    enableKeyRotation: true,
                    deletionWindowInDays,
                    // In a key policy, Resource "*" means "this key" (its ARN does not exist yet).
                    policy: rootPrincipal.apply((root) => policyJson([rootAdministration(root, "*")])),
                    ...(region !== undefined ? { region } : {}),
                },
                { ...stateful, ignoreChanges: ["policy"] },
            );
            const keyPolicy = new aws.kms.KeyPolicy(
                `${name}-${suffix}-policy`,
                {
                    keyId: key.id,
                    policy: pulumi
                        .all([rootPrincipal, key.arn, grants(key.arn)])
                        .apply(([root, keyArn, statements]) => policyJson([rootAdministration(root, keyArn), ...statements])),
                    ...(region !== undefined ? { region } : {}),
                },
                { parent: this },
            );
            return { key, keyPolicy };
        };

        // --- Static site bucket (stack Region), private, SSE-KMS with its own key -----------------
        const bucket = new aws.s3.Bucket(`${name}-site`, { forceDestroy: false }, stateful);
        const publicAccessBlock = new aws.s3.BucketPublicAccessBlock(
            `${name}-site`,
            {
                bucket: bucket.id,
                blockPublicAcls: true,
                blockPublicPolicy: true,
                ignorePublicAcls: true,
                restrictPublicBuckets: true,
            },
            { parent: this },
        );
        new aws.s3.BucketOwnershipControls(
            `${name}-site`,
            {
                bucket: bucket.id,
                rule: { objectOwnership: "BucketOwnerEnforced" },
            },
            { parent: this },
        );
        new aws.s3.BucketVersioning(
            `${name}-site`,
            {
                bucket: bucket.id,
                versioningConfiguration: { status: "Enabled" },
            },
            { parent: this },
        );
        new aws.s3.BucketLifecycleConfiguration(
            `${name}-site`,
            {
                bucket: bucket.id,
                rules: [
                    {
                        id: "expire-noncurrent-versions",
                        status: "Enabled",
                        filter: {},
                        noncurrentVersionExpiration: { noncurrentDays: args.noncurrentVersionExpirationDays ?? d.noncurrentVersionExpirationDays },
                        abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
                    },
                ],
            },
            { parent: this },
        );

        const oac = new aws.cloudfront.OriginAccessControl(
            `${name}-site`,
            {
                description: `EdgeCdn ${name}: CloudFront signs S3 requests (SigV4) for the static site`,
                originAccessControlOriginType: "s3",
                signingBehavior: "always",
                signingProtocol: "sigv4",
            },
            { parent: this },
        );

        // --- Viewer certificate (us-east-1), DNS-validated in the public zone ---------------------
        const primary = args.certificateDomainName ?? args.aliases[0];
        const names = certificateNames(primary, args.aliases);
        const certificate = new aws.acm.Certificate(
            `${name}-cert`,
            {
                domainName: primary,
                ...(names.length > 1 ? { subjectAlternativeNames: names.slice(1) } : {}),
                validationMethod: "DNS",
                region: usEast1,
            },
            { parent: this },
        );
        // `*.x` and `x` share one validation record: create one per distinct base name.
        const validationNames = names.filter((n, i) => names.findIndex((m) => m.replace(/^\*\./, "") === n.replace(/^\*\./, "")) === i);
        const validationRecords = validationNames.map((domain) => {
            const option = certificate.domainValidationOptions.apply((options) => {
                const found = options.find((o) => o.domainName === domain);
                if (found === undefined) {
                    throw new Error(`EdgeCdn "${name}": ACM returned no DNS validation option for ${domain}`);
                }
                return found;
            });
            return new aws.route53.Record(
                `${name}-cert-validation-${nameFragment(domain)}`,
                {
                    zoneId: args.publicZoneId,
                    name: option.resourceRecordName,
                    type: option.resourceRecordType,
                    records: [option.resourceRecordValue],
                    ttl: 60,
                },
                { parent: this },
            );
        });
        const validation = new aws.acm.CertificateValidation(
            `${name}-cert`,
            {
                certificateArn: certificate.arn,
                validationRecordFqdns: validationRecords.map((r) => r.fqdn),
                region: usEast1,
            },
            { parent: this },
        );

        // --- Response headers policy ---------------------------------------------------------------
        const responseHeaders = new aws.cloudfront.ResponseHeadersPolicy(
            `${name}-security-headers`,
            {
                comment: `EdgeCdn ${name}: security headers on every response`,
                securityHeadersConfig: {
                    strictTransportSecurity: {
                        accessControlMaxAgeSec: args.hstsMaxAgeSeconds ?? d.hstsMaxAgeSeconds,
                        includeSubdomains: true,
                        preload: true,
                        override: true,
                    },
                    contentTypeOptions: { override: true },
                    frameOptions: { frameOption: "DENY", override: true },
                    referrerPolicy: { referrerPolicy: "strict-origin-when-cross-origin", override: true },
                    // "X-XSS-Protection: 0": the legacy filter is itself exploitable and CSP replaces it
                    // (OWASP HTTP Headers Cheat Sheet); CloudFront sends 0 for protection false.
                    xssProtection: { protection: false, override: true },
                    contentSecurityPolicy: { contentSecurityPolicy: args.contentSecurityPolicy ?? d.contentSecurityPolicy, override: true },
                },
            },
            { parent: this },
        );

        // --- API cache policies: managed CachingDisabled for TTL 0, else one per distinct TTL ------------
        const cachePolicyIds = new Map<number, pulumi.Input<string>>([[0, MANAGED_POLICY_IDS.cachingDisabled]]);
        const apiCachePolicyId = (ttl: number, logicalSuffix: string): pulumi.Input<string> => {
            const known = cachePolicyIds.get(ttl);
            if (known !== undefined) {
                return known;
            }
            const id = new aws.cloudfront.CachePolicy(
                `${name}-${logicalSuffix}`,
                {
                    comment: `EdgeCdn ${name}: ${ttl} s edge cache for API GET/HEAD, keyed per Authorization header`,
                    minTtl: 0,
                    defaultTtl: ttl,
                    maxTtl: ttl,
                    parametersInCacheKeyAndForwardedToOrigin: {
                        // Authorization in the key: a cached response is only served to the same token,
                        // and CloudFront forwards Authorization to the origin only when it is in the key.
                        headersConfig: { headerBehavior: "whitelist", headers: { items: ["Authorization"] } },
                        queryStringsConfig: { queryStringBehavior: "all" },
                        cookiesConfig: { cookieBehavior: "none" },
                        enableAcceptEncodingGzip: true,
                        enableAcceptEncodingBrotli: true,
                    },
                },
                { parent: this },
            ).id;
            cachePolicyIds.set(ttl, id);
            return id;
        };
        const apiTtl = args.apiCacheTtlSeconds ?? d.apiCacheTtlSeconds;
        const apiBehaviors = [
            ...(args.apiPathCaching ?? []).map((entry) => ({ pathPattern: entry.pathPattern, ttl: entry.ttlSeconds })),
            { pathPattern: effectiveApiPathPattern(args), ttl: apiTtl },
        ].map(({ pathPattern, ttl }) => ({
            pathPattern,
            // The API-wide TTL keeps its original logical name; other TTLs are named by their value.
            cachePolicyId: apiCachePolicyId(ttl, ttl === apiTtl ? "api-cache" : `api-cache-${ttl}s`),
        }));

        // --- WAF (CLOUDFRONT scope, us-east-1) --------------------------------------------------------
        const metricBase = name.replace(/[^A-Za-z0-9_-]/g, "-");
        const visibility = (metric: string) => ({ cloudwatchMetricsEnabled: true, sampledRequestsEnabled: true, metricName: `${metricBase}-${metric}` });
        const managedGroup = (ruleName: string, priority: number, countRules: readonly string[] = []): aws.types.input.wafv2.WebAclRule => ({
            name: ruleName,
            priority,
            overrideAction: { none: {} },
            statement: {
                managedRuleGroupStatement: {
                    vendorName: "AWS",
                    name: ruleName,
                    ...(countRules.length > 0 ? { ruleActionOverrides: countRules.map((rule) => ({ name: rule, actionToUse: { count: {} } })) } : {}),
                },
            },
            visibilityConfig: visibility(ruleName),
        });
        const webAcl = new aws.wafv2.WebAcl(
            `${name}-waf`,
            {
                description: `EdgeCdn ${name}: managed rule groups and a per-IP rate limit in front of CloudFront`,
                scope: "CLOUDFRONT",
                region: usEast1,
                defaultAction: { allow: {} },
                rules: [
                    managedGroup("AWSManagedRulesAmazonIpReputationList", 0),
                    managedGroup("AWSManagedRulesCommonRuleSet", 1, args.wafCommonRuleSetCountRules ?? []),
                    managedGroup("AWSManagedRulesKnownBadInputsRuleSet", 2),
                    {
                        name: "RateLimitPerIp",
                        priority: 3,
                        action: { block: {} },
                        statement: {
                            rateBasedStatement: {
                                aggregateKeyType: "IP",
                                limit: args.wafRateLimit ?? d.wafRateLimit,
                                evaluationWindowSec: args.wafRateEvaluationWindowSeconds ?? d.wafRateEvaluationWindowSeconds,
                            },
                        },
                        visibilityConfig: visibility("RateLimitPerIp"),
                    },
                ],
                visibilityConfig: visibility("web-acl"),
            },
            { parent: this },
        );

        // --- Distribution ---------------------------------------------------------------------------
        const origin = args.apiOrigin;
        const geoType = args.geoRestriction?.type ?? d.geoRestrictionType;
        const distribution = new aws.cloudfront.Distribution(
            `${name}-cdn`,
            {
                enabled: true,
                comment: `EdgeCdn ${name}: static site + API`,
                aliases: [...args.aliases],
                defaultRootObject: "index.html",
                httpVersion: "http2and3",
                isIpv6Enabled: true,
                priceClass: args.priceClass ?? d.priceClass,
                webAclId: webAcl.arn,
                viewerCertificate: {
                    // The validation's ARN, so the distribution waits until the certificate is issued.
                    acmCertificateArn: validation.certificateArn,
                    sslSupportMethod: "sni-only",
                    minimumProtocolVersion: args.minimumProtocolVersion ?? d.minimumProtocolVersion,
                },
                restrictions: {
                    geoRestriction: { restrictionType: geoType, locations: [...(args.geoRestriction?.locations ?? [])] },
                },
                origins: [
                    {
                        originId: SITE_ORIGIN_ID,
                        domainName: bucket.bucketRegionalDomainName,
                        originAccessControlId: oac.id,
                    },
                    {
                        originId: API_ORIGIN_ID,
                        domainName: origin.domainName,
                        ...(origin.originPath !== undefined ? { originPath: origin.originPath } : {}),
                        customOriginConfig: {
                            httpPort: 80,
                            httpsPort: 443,
                            originProtocolPolicy: "https-only",
                            originSslProtocols: ["TLSv1.2"],
                        },
                        ...(origin.originVerify !== undefined
                            ? { customHeaders: [{ name: origin.originVerify.headerName, value: pulumi.secret(origin.originVerify.value) }] }
                            : {}),
                    },
                ],
                defaultCacheBehavior: {
                    targetOriginId: SITE_ORIGIN_ID,
                    viewerProtocolPolicy: "redirect-to-https",
                    allowedMethods: ["GET", "HEAD"],
                    cachedMethods: ["GET", "HEAD"],
                    cachePolicyId: MANAGED_POLICY_IDS.cachingOptimized,
                    responseHeadersPolicyId: responseHeaders.id,
                    compress: true,
                },
                // The cached API paths first, then the API-wide behavior: CloudFront takes the first match.
                orderedCacheBehaviors: apiBehaviors.map(({ pathPattern, cachePolicyId }) => ({
                    pathPattern,
                    targetOriginId: API_ORIGIN_ID,
                    viewerProtocolPolicy: "redirect-to-https",
                    allowedMethods: ALL_METHODS,
                    cachedMethods: ["GET", "HEAD"],
                    cachePolicyId,
                    // Every viewer header except Host: API Gateway serves a custom domain only when Host
                    // is that domain, so the viewer's Host (the CDN alias) must not reach it.
                    originRequestPolicyId: MANAGED_POLICY_IDS.allViewerExceptHostHeader,
                    responseHeadersPolicyId: responseHeaders.id,
                    compress: true,
                })),
            },
            {
                parent: this,
                // The origin-verify secret is part of `origins`: keep it secret in state outputs too.
                additionalSecretOutputs: ["origins"],
            },
        );

        // --- Bucket policy and key policy, scoped to this distribution -------------------------------
        const siteKey = createKey("site-key", `EdgeCdn ${name}: static site bucket (SSE-KMS), decrypt for this CloudFront distribution only`, undefined, (keyArn) =>
            pulumi.all([keyArn, distribution.arn]).apply(([key, distributionArn]): PolicyStatement[] => [
                {
                    Sid: "AllowCloudFrontToDecryptForThisDistribution",
                    Effect: "Allow",
                    Principal: { Service: "cloudfront.amazonaws.com" },
                    // Read-only site: CloudFront only decrypts (GenerateDataKey* would be needed for uploads through CloudFront).
                    Action: ["kms:Decrypt"],
                    Resource: [key],
                    Condition: { StringEquals: { "AWS:SourceArn": distributionArn } },
                },
            ]),
        );
        new aws.s3.BucketServerSideEncryptionConfiguration(
            `${name}-site`,
            {
                bucket: bucket.id,
                rules: [
                    {
                        applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: siteKey.key.arn },
                        bucketKeyEnabled: true,
                        // CloudFront cannot serve SSE-C objects, and nobody should upload them.
                        blockedEncryptionTypes: ["SSE-C"],
                    },
                ],
            },
            { parent: this },
        );
        new aws.s3.BucketPolicy(
            `${name}-site`,
            {
                bucket: bucket.id,
                policy: pulumi.all([bucket.arn, distribution.arn]).apply(([bucketArn, distributionArn]) =>
                    policyJson([
                        {
                            Sid: "AllowCloudFrontReadForThisDistribution",
                            Effect: "Allow",
                            Principal: { Service: "cloudfront.amazonaws.com" },
                            Action: ["s3:GetObject"],
                            Resource: [`${bucketArn}/*`],
                            Condition: { StringEquals: { "AWS:SourceArn": distributionArn } },
                        },
                        // A Deny on every S3 action: listing actions here would leave the others open to plain HTTP.
                        denyInsecureTransport(["s3:*"], [bucketArn, `${bucketArn}/*`]),
                    ]),
                ),
            },
            { parent: this, dependsOn: [publicAccessBlock] },
        );

        // --- Standard logging (v2) to an encrypted log group in us-east-1 -----------------------------
        // Why v2 to CloudWatch Logs and not legacy standard logs to S3: legacy logs need a bucket with
        // ACLs enabled (CloudFront writes through the awslogsdelivery ACL grant) and cannot write to an
        // SSE-KMS bucket, so they would weaken the account's "ACLs disabled, CMK everywhere" baseline.
        // v2 delivery (CloudWatch vended logs) needs no ACLs and writes to a KMS-encrypted log group;
        // CloudFront only accepts the delivery source, destination and delivery in us-east-1, and the
        // log group (and therefore its key) is kept there too.
        const logGroupName = `/aws/vendedlogs/cloudfront/${physicalBase}`;
        // WAF only logs to destinations whose name starts with aws-waf-logs-, and a CLOUDFRONT-scope
        // web ACL only to a log group in us-east-1 (AWS WAF Developer Guide, logging destinations).
        const wafLogGroupName = `aws-waf-logs-${physicalBase}`;
        // The key policy must allow the log groups before they can be created with the key, so their
        // ARNs are computed from their fixed names instead of read from the groups.
        const groupArn = (groupName: string) => pulumi.interpolate`arn:${partition.partition}:logs:${usEast1}:${identity.accountId}:log-group:${groupName}`;
        const logGroupArn = groupArn(logGroupName);
        const wafLogGroupArn = groupArn(wafLogGroupName);
        const logsKey = createKey("logs-key", `EdgeCdn ${name}: CloudFront access-log and WAF log groups in ${usEast1}`, usEast1, (keyArn) =>
            pulumi.all([keyArn, logGroupArn, wafLogGroupArn]).apply(([key, accessLogs, wafLogs]): PolicyStatement[] => [
                {
                    Sid: "AllowCloudWatchLogsForTheEdgeLogGroups",
                    Effect: "Allow",
                    Principal: { Service: `logs.${usEast1}.amazonaws.com` },
                    Action: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
                    Resource: [key],
                    Condition: { ArnEquals: { "kms:EncryptionContext:aws:logs:arn": [accessLogs, wafLogs] } },
                },
            ]),
        );
        const logGroup = new aws.cloudwatch.LogGroup(
            `${name}-access-logs`,
            {
                name: logGroupName,
                retentionInDays: args.logRetentionDays ?? d.logRetentionDays,
                kmsKeyId: logsKey.key.arn,
                region: usEast1,
            },
            { parent: this, dependsOn: [logsKey.keyPolicy] },
        );
        const deliverySourceName = `${physicalBase}-access-logs`;
        // Source, destination and delivery have fixed names (or, for the delivery, one per source and
        // destination pair): a replacement must delete the old one first, or the new one conflicts.
        const deliverySource = new aws.cloudwatch.LogDeliverySource(
            `${name}-access-logs`,
            {
                name: deliverySourceName,
                logType: "ACCESS_LOGS",
                resourceArn: distribution.arn,
                region: usEast1,
            },
            { parent: this, deleteBeforeReplace: true },
        );
        // Written by us (not left to AWS's automatic account-level policy): only this delivery
        // source, in this account, may write to this group.
        const logGroupPolicy = new aws.cloudwatch.LogResourcePolicy(
            `${name}-access-logs`,
            {
                resourceArn: logGroup.arn,
                policyDocument: pulumi.all([logGroup.arn, identity.accountId, deliverySource.arn]).apply(([groupArn, account, sourceArn]) =>
                    policyJson([
                        {
                            Sid: "AWSLogDeliveryWrite",
                            Effect: "Allow",
                            Principal: { Service: "delivery.logs.amazonaws.com" },
                            Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
                            Resource: [`${groupArn}:log-stream:*`],
                            Condition: {
                                StringEquals: { "aws:SourceAccount": account },
                                ArnEquals: { "aws:SourceArn": sourceArn },
                            },
                        },
                    ]),
                ),
                region: usEast1,
            },
            { parent: this },
        );
        const deliveryDestination = new aws.cloudwatch.LogDeliveryDestination(
            `${name}-access-logs`,
            {
                name: deliverySourceName,
                outputFormat: "json",
                deliveryDestinationConfiguration: { destinationResourceArn: logGroup.arn },
                region: usEast1,
            },
            { parent: this, deleteBeforeReplace: true },
        );
        new aws.cloudwatch.LogDelivery(
            `${name}-access-logs`,
            {
                deliverySourceName: deliverySource.name,
                deliveryDestinationArn: deliveryDestination.arn,
                recordFields: [...ACCESS_LOG_FIELDS],
                region: usEast1,
            },
            { parent: this, dependsOn: [logGroupPolicy], deleteBeforeReplace: true },
        );

        // --- WAF logs (us-east-1), without credentials ----------------------------------------------
        const wafLogGroup = new aws.cloudwatch.LogGroup(
            `${name}-waf-logs`,
            {
                name: wafLogGroupName,
                retentionInDays: args.logRetentionDays ?? d.logRetentionDays,
                kmsKeyId: logsKey.key.arn,
                region: usEast1,
            },
            { parent: this, dependsOn: [logsKey.keyPolicy] },
        );
        // Our own delivery policy, scoped to this group (as SecureApi's), so WAF does not grow the shared
        // AWSWAF-LOGS account policy; WAF delivers as delivery.logs.amazonaws.com.
        const wafLogsPolicy = new aws.cloudwatch.LogResourcePolicy(
            `${name}-waf-logs-delivery`,
            {
                policyName: `${wafLogGroupName}-delivery`,
                policyDocument: pulumi.all([wafLogGroup.arn, identity.accountId, partition.partition]).apply(([arn, account, part]) =>
                    policyJson([
                        {
                            Sid: "WafLogDelivery",
                            Effect: "Allow",
                            Principal: { Service: "delivery.logs.amazonaws.com" },
                            Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
                            Resource: [`${arn}:log-stream:*`],
                            Condition: { StringEquals: { "aws:SourceAccount": account }, ArnLike: { "aws:SourceArn": `arn:${part}:logs:${usEast1}:${account}:*` } },
                        },
                    ]),
                ),
                region: usEast1,
            },
            { parent: this },
        );
        new aws.wafv2.WebAclLoggingConfiguration(
            `${name}-waf-logging`,
            {
                resourceArn: webAcl.arn,
                logDestinationConfigs: [wafLogGroup.arn],
                // Bearer tokens, session cookies and the origin-verify secret never reach the logs.
                redactedFields: wafRedactedHeaders(args).map((header) => ({ singleHeader: { name: header } })),
                region: usEast1,
            },
            { parent: this, dependsOn: [wafLogsPolicy] },
        );

        // --- 5xx alarm (CloudFront metrics are published in us-east-1, Region=Global) ----------------
        const actions = (args.alarmActions ?? []).map((action) => (typeof action === "string" ? action : action.topicArn));
        new aws.cloudwatch.MetricAlarm(
            `${name}-5xx-rate`,
            {
                alarmDescription: `EdgeCdn ${name}: share of viewer requests answered with 5xx is above ${args.errorRateThresholdPercent ?? d.errorRateThresholdPercent}%`,
                namespace: "AWS/CloudFront",
                metricName: "5xxErrorRate",
                dimensions: { DistributionId: distribution.id, Region: "Global" },
                statistic: "Average",
                unit: "Percent",
                period: 300,
                evaluationPeriods: 2,
                datapointsToAlarm: 2,
                comparisonOperator: "GreaterThanThreshold",
                threshold: args.errorRateThresholdPercent ?? d.errorRateThresholdPercent,
                // No requests means no errors, not an outage.
                treatMissingData: "notBreaching",
                actionsEnabled: true,
                alarmActions: actions,
                okActions: actions,
                region: usEast1,
            },
            { parent: this },
        );

        // --- Alias records (public zone) -------------------------------------------------------------
        for (const alias of args.aliases) {
            for (const type of ["A", "AAAA"] as const) {
                new aws.route53.Record(
                    `${name}-alias-${nameFragment(alias)}-${type.toLowerCase()}`,
                    {
                        zoneId: args.publicZoneId,
                        name: alias,
                        type,
                        aliases: [{ name: distribution.domainName, zoneId: CLOUDFRONT_HOSTED_ZONE_ID, evaluateTargetHealth: false }],
                    },
                    { parent: this },
                );
            }
        }

        this.distributionId = distribution.id;
        this.distributionArn = distribution.arn;
        this.domainName = distribution.domainName;
        this.siteBucketName = bucket.bucket;
        this.siteBucketArn = bucket.arn;
        this.webAclArn = webAcl.arn;
        this.certificateArn = validation.certificateArn;
        this.registerOutputs({
            distributionId: this.distributionId,
            distributionArn: this.distributionArn,
            domainName: this.domainName,
            siteBucketName: this.siteBucketName,
            siteBucketArn: this.siteBucketArn,
            webAclArn: this.webAclArn,
            certificateArn: this.certificateArn,
        });
    }
}

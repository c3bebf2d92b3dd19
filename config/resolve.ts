/**
 * Turns raw stack config into a typed PlatformConfig: applies the environment profile, parses every
 * key, then validates the whole configuration against AWS's hard limits and the platform's rules.
 * Every problem is collected and one ValidationError lists them all, before any resource exists.
 *
 * Pure: no Pulumi runtime, no file system except through `ctx.readFile`, so tests call it directly.
 */
import { ALB_RULE_LIMITS, albPatternsCoverAllBelow, albPatternsOverlap, checkAlbRuleLimits, hostConditionMatches, pathConditionMatches } from "../lib/alb-rules";
import { cacheEngineVersionRule, cacheNodeTypeRule } from "../components/cache-tier";
import { auroraEngineVersionRule, validateTable } from "../components/data-tier";
import { detailFilterProblems } from "../components/event-bus";
import { RESERVED_LABELS } from "../components/private-dns";
// A cycle (edge-cdn imports LIMITS from here) that is safe: neither module reads the other's
// exports while loading, only inside functions called later.
import { ALLOWED_MINIMUM_PROTOCOL_VERSIONS, EdgeCdnArgPath, GEO_RESTRICTION_TYPES, PRICE_CLASSES, validateEdgeCdnArgs } from "../components/edge-cdn";
import { cidrsOverlap, parseCidr } from "../lib/cidr";
import { COGNITO_DOMAIN_PREFIX_RULE, defaultCognitoDomainPrefixStem, isCognitoDomainPrefix, isValidDefaultCognitoDomainPrefixStem } from "../lib/cognito";
import {
    AWS_PARTITION_REGION,
    COMPONENT_NAMES,
    DNS_LABEL,
    LB_NAME_MAX,
    isDomainName,
    isWithinZone,
    loadBalancerLogicalName,
    maxLogicalNameLength,
    targetGroupLogicalName,
} from "../lib/naming";
import { KEYS, KEY_NAMES, KeyName, KeySpec, declaredDefault, fullKey, isNotSetMarker } from "./keys";
import { NOT_SHOWN, Problems, show } from "./problems";
import { closestName } from "./suggest";
import { EntryReader, parseRaw } from "./reader";
import { truststoreProblems } from "../lib/truststore";
import {
    API_EVENT_SOURCE,
    CacheEngine,
    CdnApiCachePathConfig,
    CognitoMfa,
    DataKind,
    DynamoGsiConfig,
    DynamoKey,
    DynamoTableConfig,
    ENVIRONMENTS,
    Environment,
    EventSubscriptionConfig,
    NAT_STRATEGIES,
    NatStrategy,
    PlatformConfig,
    ServiceApiConfig,
    ServiceConfig,
    UsagePlanConfig,
} from "./types";

/** AWS limits and allowed values the validator enforces (sources: AWS service quotas and API references). */
export const LIMITS = {
    /** API Gateway account-level throttle per Region, shared by every API. */
    apiAccountRateLimit: 10_000,
    apiAccountBurstLimit: 5_000,
    /** ALB: rules per listener (excluding the default), condition values per rule. */
    albMaxRules: 100,
    albMaxConditionValues: ALB_RULE_LIMITS.conditionValues,
    /** ALB: match evaluations (values) per condition, wildcards (`*`, `?`) per rule (ELB guide, "Condition types for listener rules"). */
    albMaxValuesPerCondition: ALB_RULE_LIMITS.valuesPerCondition,
    albMaxWildcardsPerRule: ALB_RULE_LIMITS.wildcardsPerRule,
    albMaxPriority: 50_000,
    /** CloudWatch Logs retention values accepted by PutRetentionPolicy. */
    logRetentionDays: [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653],
    /** Fargate (Linux) task CPU units -> allowed memory (MiB). */
    fargate: fargatePairs(),
    /** API Gateway stage cache cluster sizes (GB). */
    apiCacheSizes: ["0.5", "1.6", "6.1", "13.5", "28.4", "58.2", "118", "237"],
    /** Aurora Serverless v2 capacity range (ACUs). */
    auroraMaxAcu: 256,
    /** RDS enhanced monitoring intervals. */
    monitoringIntervals: [0, 1, 5, 10, 15, 30, 60],
    /** ElastiCache replication group id. */
    replicationGroupIdMax: 40,
    /** SQS. */
    sqsRetentionMin: 60,
    sqsRetentionMax: 1_209_600,
    sqsVisibilityMax: 43_200,
    sqsMaxReceiveCountMax: 1_000,
    /** EventBridge target retry policy. */
    eventMaxAgeMin: 60,
    eventMaxAgeMax: 86_400,
    eventMaxRetryAttempts: 185,
    /** WAFv2 rate-based rule limit per evaluation window. */
    wafRateMin: 10,
    wafRateMax: 2_000_000,
} as const;

function fargatePairs(): Readonly<Record<number, readonly number[]>> {
    const range = (from: number, to: number, step: number) => Array.from({ length: (to - from) / step + 1 }, (_, i) => from + i * step);
    return {
        256: [512, 1024, 2048],
        512: range(1024, 4096, 1024),
        1024: range(2048, 8192, 1024),
        2048: range(4096, 16384, 1024),
        4096: range(8192, 30720, 1024),
        8192: range(16384, 61440, 4096),
        16384: range(32768, 122880, 8192),
    };
}

export interface ResolveContext {
    /** Pulumi project name (the config namespace). */
    readonly project: string;
    /** `aws:region` of the stack. */
    readonly region: string | undefined;
    /** Reads a repository file (mTLS truststore); returns undefined when it does not exist. */
    readonly readFile: (path: string) => string | undefined;
    /**
     * The stack's config keys outside the project's namespace (e.g. `aws:region`), so that one in
     * a namespace nothing reads (a typo such as `platfrom:vpcCidr`) is reported, not ignored.
     * @default none checked
     */
    readonly otherKeys?: readonly string[];
    /**
     * The stack file the values come from, named in fixes (e.g. `Pulumi.prod.yaml`).
     * @default "Pulumi.<stack>.yaml"
     */
    readonly stackFile?: string;
}

/** Config namespaces besides the project's that something reads: the providers and the engine. */
export const KNOWN_CONFIG_NAMESPACES = ["aws", "awsx", "random", "pulumi"] as const;

/** Raw config of the project namespace: key without namespace -> string value as Pulumi stores it. */
export type RawConfig = Readonly<Record<string, string | undefined>>;

const ENGINE_DEFAULT_VERSION: Record<CacheEngine, string> = { valkey: "8.0", redis: "7.1" };

/** OAuth scope the API's async route requires (program.ts passes it to SecureApi). */
export const API_EVENTS_SCOPE = "events.write";
/** Base path mapping of the API on its custom domain when platform:apiBasePath is unset. */
export const DEFAULT_API_BASE_PATH = "v1";

/**
 * The value a stack sets for a key, or undefined when it is not set: absent, or the "not set"
 * marker that Pulumi.yaml declares as the default of profile and optional keys (config/keys.ts).
 */
export function setValue(raw: RawConfig, name: KeyName): string | undefined {
    const text = raw[name];
    return text === undefined || isNotSetMarker(KEYS[name], text) ? undefined : text;
}

/**
 * Whether a stack sets a key to something other than its declared default. The Pulumi CLI hands
 * the program every declared default as if the stack had set it, so a value equal to the
 * default counts as not set: "set for a feature that is off" checks use this.
 */
export function isExplicit(raw: RawConfig, name: KeyName): boolean {
    const text = setValue(raw, name);
    const declared = declaredDefault(KEYS[name]);
    return text !== undefined && text !== (declared === undefined ? undefined : typeof declared === "string" ? declared : JSON.stringify(declared));
}

/**
 * Resolves and validates. Throws ValidationError listing every problem; otherwise returns the
 * typed configuration.
 */
export function resolvePlatformConfig(raw: RawConfig, ctx: ResolveContext): PlatformConfig {
    const problems = new Problems();
    const k = (name: string) => fullKey(ctx.project, name);
    const stackFile = ctx.stackFile ?? "Pulumi.<stack>.yaml";

    for (const full of ctx.otherKeys ?? []) {
        const namespace = full.split(":")[0];
        if (!(KNOWN_CONFIG_NAMESPACES as readonly string[]).includes(namespace)) {
            problems.add(
                full,
                NOT_SHOWN,
                `unknown namespace "${namespace}": the program reads ${ctx.project}:* and its providers ${KNOWN_CONFIG_NAMESPACES.map((n) => `${n}:*`).join(", ")}`,
                `correct the namespace (e.g. ${ctx.project}:${full.slice(namespace.length + 1)}) or remove the key`,
            );
        }
    }

    // Unknown keys are typos until proven otherwise: report them instead of ignoring them.
    for (const name of Object.keys(raw)) {
        if (!(KEY_NAMES as string[]).includes(name)) {
            // Not echoed: a misspelt key may hold a secret, which the CLI hands over decrypted.
            const guess = closestName(name, KEY_NAMES);
            problems.add(
                k(name),
                NOT_SHOWN,
                `unknown key${guess === undefined ? "" : ` (did you mean ${k(guess)}?)`}; known keys are listed in Pulumi.yaml`,
                guess === undefined ? `remove ${k(name)} or correct its spelling` : `rename it to ${k(guess)}, or remove it`,
            );
        }
    }

    // Region.
    const region = ctx.region;
    problems.check(
        region !== undefined && AWS_PARTITION_REGION.test(region),
        "aws:region",
        region,
        region === undefined
            ? "an AWS Region code such as eu-west-1 is required"
            : "must be a Region of the aws partition such as eu-west-1 (China cn-* and GovCloud us-gov-* Regions are not supported: the platform writes arn:aws ARNs and amazonaws.com endpoints)",
        `set aws:region in ${stackFile}`,
    );

    // Environment first: it selects the profile.
    const envRaw = raw.environment;
    let environment: Environment = "dev";
    let envKnown = false;
    if (envRaw === undefined) {
        problems.add(k("environment"), envRaw, `required; one of ${ENVIRONMENTS.join(", ")}`, `set ${k("environment")} in ${stackFile}`);
    } else if (!(ENVIRONMENTS as readonly string[]).includes(envRaw)) {
        problems.add(k("environment"), envRaw, `must be one of ${ENVIRONMENTS.join(", ")}`, `set ${k("environment")} to dev, staging or prod`);
    } else {
        environment = envRaw as Environment;
        envKnown = true;
    }

    // Parse every key: explicit > profile > default.
    const values = new Map<KeyName, unknown>();
    for (const name of KEY_NAMES) {
        const spec: KeySpec = KEYS[name];
        const text = setValue(raw, name);
        if (text !== undefined) {
            const parsed = parseRaw(text, spec.type);
            if (parsed.ok) {
                values.set(name, parsed.value);
            } else {
                problems.add(k(name), text, `must be ${parsed.expected}`, `correct ${k(name)} in ${stackFile}`);
            }
        } else if (spec.profile !== undefined) {
            values.set(name, spec.profile[environment]);
        } else if (spec.default !== undefined) {
            values.set(name, spec.default);
        } else if (spec.required && name !== "environment") {
            problems.add(k(name), undefined, `required: ${spec.description}`, `set ${k(name)} in ${stackFile}`);
        }
    }
    const str = (name: KeyName, fallback = ""): string => (typeof values.get(name) === "string" ? (values.get(name) as string) : fallback);
    const optStr = (name: KeyName): string | undefined => (typeof values.get(name) === "string" ? (values.get(name) as string) : undefined);
    const num = (name: KeyName, fallback = 0): number => (typeof values.get(name) === "number" ? (values.get(name) as number) : fallback);
    const bool = (name: KeyName, fallback = false): boolean => (typeof values.get(name) === "boolean" ? (values.get(name) as boolean) : fallback);
    const list = (name: KeyName): string[] => (Array.isArray(values.get(name)) ? (values.get(name) as string[]) : []);
    const entries = (name: KeyName): Record<string, unknown>[] => (Array.isArray(values.get(name)) ? (values.get(name) as Record<string, unknown>[]) : []);

    const oneOf = <T extends string>(name: KeyName, allowed: readonly T[], fallback: T): T => {
        const value = values.get(name);
        if (value === undefined) {
            return fallback;
        }
        if (!(allowed as readonly unknown[]).includes(value)) {
            problems.add(k(name), value, `must be one of ${allowed.join(", ")}`, `set ${k(name)} to one of ${allowed.join(", ")}`);
            return fallback;
        }
        return value as T;
    };
    const inRange = (name: KeyName, min: number, max: number, why = ""): void => {
        const value = values.get(name);
        if (typeof value === "number") {
            problems.check(value >= min && value <= max, k(name), value, `must be between ${min} and ${max}${why}`, `set ${k(name)} within ${min}-${max}`);
        }
    };
    const retention = (name: KeyName): void => {
        const value = values.get(name);
        if (typeof value === "number") {
            problems.check(
                (LIMITS.logRetentionDays as readonly number[]).includes(value),
                k(name),
                value,
                `must be a CloudWatch Logs retention value (${LIMITS.logRetentionDays.join(", ")})`,
                `set ${k(name)} to the nearest allowed value`,
            );
        }
    };

    // --- environment and safety ---
    retention("logRetentionDays");
    inRange("kmsDeletionWindowDays", 7, 30, " (KMS pending-deletion window)");
    list("alarmEmails").forEach((email, i) =>
        problems.check(/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email), `${k("alarmEmails")}[${i}]`, email, "must be an e-mail address", "correct the address"),
    );
    const requireMultiAz = bool("requireMultiAz");
    // Multi-AZ rules: errors when requireMultiAz is on (staging, prod); advisories otherwise (dev),
    // which the program logs as warnings and the offline plan prints, so nothing is silently waived.
    const advisories = new Problems();
    const multiAz = requireMultiAz ? problems : advisories;

    // --- network ---
    const vpcCidrText = str("vpcCidr");
    const vpcCidr = parseCidr(vpcCidrText);
    if (!vpcCidr) {
        problems.add(k("vpcCidr"), vpcCidrText, "must be an IPv4 network in CIDR notation with no host bits set (e.g. 10.0.0.0/16)", `correct ${k("vpcCidr")}`);
    } else {
        problems.check(
            vpcCidr.prefix >= 16 && vpcCidr.prefix <= 24,
            k("vpcCidr"),
            vpcCidrText,
            "prefix length must be /16 to /24 (a VPC allows /16-/28; /24 is the smallest that fits three subnet tiers)",
            "choose a /16 to /24 block",
        );
    }
    list("reservedCidrs").forEach((text, i) => {
        const reserved = parseCidr(text);
        if (!reserved) {
            problems.add(`${k("reservedCidrs")}[${i}]`, text, "must be an IPv4 network in CIDR notation", "correct the entry");
        } else if (vpcCidr && cidrsOverlap(vpcCidr, reserved)) {
            problems.add(k("vpcCidr"), vpcCidrText, `must not overlap reserved CIDR ${text} (${k("reservedCidrs")}[${i}])`, "pick a VPC CIDR outside every reserved range");
        }
    });
    list("albIngressCidrs").forEach((text, i) => {
        const cidr = parseCidr(text);
        if (!cidr) {
            problems.add(`${k("albIngressCidrs")}[${i}]`, text, "must be an IPv4 network in CIDR notation", "correct the entry");
        } else if (cidr.prefix < 8) {
            problems.add(
                `${k("albIngressCidrs")}[${i}]`,
                text,
                "must be a private range of /8 or narrower; the internal ALB never accepts the internet",
                "list only the private networks that need the ALB",
            );
        }
    });
    const azCount = num("availabilityZoneCount", 2);
    problems.check(
        azCount >= 2 && azCount <= 6,
        k("availabilityZoneCount"),
        values.get("availabilityZoneCount"),
        "must be 2-6: an ALB and a DB subnet group need subnets in at least 2 Availability Zones",
        `set ${k("availabilityZoneCount")} to a value from 2 to 6 (3 for prod)`,
    );
    const natStrategy = oneOf<NatStrategy>("natStrategy", NAT_STRATEGIES, "Single");
    const masks = (["publicSubnetMask", "privateSubnetMask", "isolatedSubnetMask"] as const).map((name) => ({ name, mask: num(name, 24) }));
    if (vpcCidr) {
        let needed = 0;
        for (const { name, mask } of masks) {
            if (
                !problems.check(
                    mask > vpcCidr.prefix && mask <= 28,
                    k(name),
                    mask,
                    `must be longer than the VPC prefix /${vpcCidr.prefix} and at most /28`,
                    `choose a mask between ${vpcCidr.prefix + 1} and 28`,
                )
            ) {
                needed = Number.NaN;
            }
            needed += azCount * 2 ** (32 - mask);
        }
        if (Number.isFinite(needed) && needed > 2 ** (32 - vpcCidr.prefix)) {
            problems.add(
                k("vpcCidr"),
                vpcCidrText,
                `too small: ${azCount} AZs x (public /${masks[0].mask} + private /${masks[1].mask} + isolated /${masks[2].mask}) need ${needed} addresses, the VPC has ${2 ** (32 - vpcCidr.prefix)}`,
                "use a larger VPC CIDR or longer subnet masks",
            );
        }
    }
    retention("flowLogRetentionDays");

    // --- DNS ---
    const publicZoneName = str("publicZoneName");
    if (values.has("publicZoneName")) {
        problems.check(
            isDomainName(publicZoneName),
            k("publicZoneName"),
            publicZoneName,
            "must be a lowercase DNS domain such as example.com",
            `set ${k("publicZoneName")} to your public hosted zone's name`,
        );
    }
    const privateZoneName = str("privateZoneName");
    problems.check(
        // At least two labels, as PrivateDns requires of a private hosted zone.
        isDomainName(privateZoneName) && privateZoneName.includes("."),
        k("privateZoneName"),
        privateZoneName,
        "must be a lowercase DNS domain such as platform.internal",
        `correct ${k("privateZoneName")}`,
    );
    // Split horizon: inside the VPC a private zone answers for its whole name, so one named like
    // the public zone would hide the public records (the API domain, the CDN aliases) from tasks.
    problems.check(
        privateZoneName === "" || privateZoneName !== publicZoneName,
        k("privateZoneName"),
        privateZoneName,
        `must differ from ${k("publicZoneName")}: a private zone of the same name shadows the public zone inside the VPC, so tasks could not resolve the API and CDN names`,
        `use a name of its own, e.g. platform.internal or internal.${publicZoneName}`,
    );
    const albCertificateDomain = optStr("albCertificateDomain") ?? `*.internal.${publicZoneName}`;
    if (values.has("albCertificateDomain")) {
        problems.check(
            isWithinZone(albCertificateDomain, publicZoneName) && isDomainName(albCertificateDomain.replace(/^\*\./, "")),
            k("albCertificateDomain"),
            albCertificateDomain,
            `must be a name in the public zone ${publicZoneName} (ACM validates it there by DNS)`,
            `use e.g. *.internal.${publicZoneName}`,
        );
    }
    inRange("dbWriterDnsTtl", 1, 30, " seconds: the writer endpoint moves on failover and its own TTL is 5 s");
    inRange("dbReaderDnsTtl", 1, 300, " seconds");
    inRange("cachePrimaryDnsTtl", 1, 30, " seconds: the primary endpoint moves on failover");
    inRange("cacheReaderDnsTtl", 1, 300, " seconds");

    // --- services ---
    const services = entries("services").map((entry, i) => readService(new EntryReader(entry, `${k("services")}[${i}]`, problems), problems, environment));
    // The internal ALB, its listener rules and the API's routes exist for the services: a stack
    // without one would fail inside InternalAlbService instead of here, under its key.
    problems.check(
        services.length > 0,
        k("services"),
        values.get("services") ?? [],
        "must list at least one service: the internal ALB and the API route requests to services",
        "add a service entry (name, image, hostPatterns or pathPatterns; see Pulumi.dev.yaml)",
    );
    validateServices(services, problems, k("services"), multiAz);
    // An unknown natStrategy is already reported; the checks below would judge its fallback instead.
    const natStrategyValid = !problems.has(k("natStrategy"));
    if (natStrategyValid && services.length > 0 && natStrategy === "None") {
        problems.add(
            k("natStrategy"),
            natStrategy,
            "must be Single or OnePerAz when services are defined: Fargate tasks in private subnets pull images and ship logs through NAT",
            `set ${k("natStrategy")} to Single (dev) or OnePerAz`,
        );
    }
    if (natStrategyValid && natStrategy === "Single") {
        multiAz.add(
            k("natStrategy"),
            natStrategy,
            `must be OnePerAz when ${k("requireMultiAz")} is true: a single NAT gateway is a single-AZ dependency`,
            `set ${k("natStrategy")} to OnePerAz, or requireMultiAz to false`,
        );
    }

    // --- data ---
    const dataKind = oneOf<DataKind>("dataKind", ["sql", "nosql"], "sql");
    const engineVersion = str("auroraEngineVersion");
    const engineVersionRule = auroraEngineVersionRule(engineVersion);
    if (engineVersionRule !== undefined) {
        problems.add(k("auroraEngineVersion"), engineVersion, engineVersionRule.allowed, `set ${k("auroraEngineVersion")} to e.g. 16`);
    }
    const instanceClass = str("auroraInstanceClass");
    problems.check(
        instanceClass === "db.serverless" || /^db\.[a-z0-9]+\.[a-z0-9]+$/.test(instanceClass),
        k("auroraInstanceClass"),
        instanceClass,
        "must be db.serverless or a DB instance class such as db.r7g.large",
        `correct ${k("auroraInstanceClass")}`,
    );
    inRange("auroraInstanceCount", 1, 16, " (Aurora allows a writer and up to 15 readers)");
    const instanceCount = num("auroraInstanceCount", 1);
    if (dataKind === "sql") {
        multiAz.check(
            instanceCount >= 2,
            k("auroraInstanceCount"),
            instanceCount,
            `must be >= 2 when ${k("requireMultiAz")} is true (a writer and a reader in another AZ to fail over to)`,
            `set ${k("auroraInstanceCount")} to 2 or 3`,
        );
    }
    const minAcu = num("auroraMinCapacity", 0.5);
    const maxAcu = num("auroraMaxCapacity", 1);
    // Serverless v2: 0.5-256 ACUs in steps of 0.5 (0 means auto-pause, which needs
    // secondsUntilAutoPause; the platform does not configure it: auto-pause also needs a recent engine
    // minor, and a paused writer adds seconds of resume latency to the first request), and the
    // maximum at least 1.
    for (const [name, min, why] of [
        ["auroraMinCapacity", 0.5, " (0 would mean auto-pause, which the platform does not configure)"],
        ["auroraMaxCapacity", 1, ""],
    ] as const) {
        const value = values.get(name);
        if (typeof value === "number") {
            problems.check(
                value >= min && value <= LIMITS.auroraMaxAcu && Number.isInteger(value * 2),
                k(name),
                value,
                `must be ${min}-${LIMITS.auroraMaxAcu} ACUs in steps of 0.5${why}`,
                `set ${k(name)} to e.g. ${min}, 1, 2 ... ${LIMITS.auroraMaxAcu}`,
            );
        }
    }
    problems.check(minAcu <= maxAcu, k("auroraMinCapacity"), minAcu, `must not exceed ${k("auroraMaxCapacity")} (${maxAcu})`, "raise the maximum or lower the minimum");
    inRange("auroraReaderMaxCount", 1, 15);
    const readerMax = num("auroraReaderMaxCount", 1);
    problems.check(
        readerMax >= instanceCount - 1,
        k("auroraReaderMaxCount"),
        readerMax,
        `must be at least the configured readers (${k("auroraInstanceCount")} - 1 = ${instanceCount - 1})`,
        "raise the reader maximum",
    );
    inRange("auroraBackupRetentionDays", 1, 35);
    const piRetention = num("auroraPerformanceInsightsRetentionDays", 7);
    problems.check(
        piRetention === 7 || piRetention === 731 || (piRetention % 31 === 0 && piRetention >= 31 && piRetention <= 713),
        k("auroraPerformanceInsightsRetentionDays"),
        piRetention,
        "must be 7, a multiple of 31 from 31 to 713, or 731",
        "use 7 (free tier) or e.g. 93",
    );
    const monitoring = num("auroraMonitoringInterval", 60);
    problems.check(
        (LIMITS.monitoringIntervals as readonly number[]).includes(monitoring),
        k("auroraMonitoringInterval"),
        monitoring,
        `must be one of ${LIMITS.monitoringIntervals.join(", ")}`,
        "pick an allowed interval",
    );
    const databaseName = str("auroraDatabaseName");
    problems.check(
        /^[a-z][a-z0-9_]{0,62}$/.test(databaseName),
        k("auroraDatabaseName"),
        databaseName,
        "must start with a letter and contain only lowercase letters, digits and underscores (max 63)",
        "rename the database",
    );
    const tables = entries("dynamoTables").map((entry, i) => readTable(new EntryReader(entry, `${k("dynamoTables")}[${i}]`, problems), problems));
    if (dataKind === "nosql") {
        problems.check(
            tables.length > 0,
            k("dynamoTables"),
            values.get("dynamoTables"),
            `at least one table is required when ${k("dataKind")} is nosql`,
            `add an entry to ${k("dynamoTables")}`,
        );
    }
    duplicates(tables.map((t) => t.name)).forEach((name) => problems.add(k("dynamoTables"), name, "table names must be unique", "rename one of the tables"));

    // --- cache ---
    const cacheEnabled = bool("cacheEnabled", true);
    const cacheEngine = oneOf<CacheEngine>("cacheEngine", ["valkey", "redis"], "valkey");
    const cacheEngineVersion = optStr("cacheEngineVersion") ?? ENGINE_DEFAULT_VERSION[cacheEngine];
    // CacheTier's own rules (supported versions and parameter group families, node types).
    const cacheVersionRule = cacheEngineVersionRule(cacheEngine, cacheEngineVersion, k("cacheEngineVersion"));
    if (cacheVersionRule !== undefined) {
        problems.add(k("cacheEngineVersion"), cacheEngineVersion, cacheVersionRule.allowed, cacheVersionRule.fix);
    }
    const nodeType = str("cacheNodeType");
    const nodeTypeRule = cacheNodeTypeRule(nodeType, k("cacheNodeType"));
    if (nodeTypeRule !== undefined) {
        problems.add(k("cacheNodeType"), nodeType, nodeTypeRule.allowed, nodeTypeRule.fix);
    }
    inRange("cacheNodeCount", 1, 6, " (1 primary and up to 5 replicas)");
    const nodeCount = num("cacheNodeCount", 1);
    const cacheMultiAz = bool("cacheMultiAz");
    if (cacheEnabled && cacheMultiAz) {
        problems.check(
            nodeCount >= 2,
            k("cacheNodeCount"),
            nodeCount,
            `must be >= 2 when ${k("cacheMultiAz")} is true: Multi-AZ needs automatic failover, which needs a primary and a replica`,
            `set ${k("cacheNodeCount")} to 2 or more, or cacheMultiAz to false`,
        );
    }
    if (cacheEnabled) {
        multiAz.check(cacheMultiAz, k("cacheMultiAz"), cacheMultiAz, `must be true when ${k("requireMultiAz")} is true`, `set ${k("cacheMultiAz")} to true`);
    }
    inRange("cacheSnapshotRetentionDays", 0, 35);
    const replicationGroupId = `${ctx.project}-${environment}`;
    problems.check(
        replicationGroupId.length <= LIMITS.replicationGroupIdMax && /^[a-z][a-z0-9-]*$/.test(replicationGroupId) && !replicationGroupId.includes("--"),
        "project name",
        ctx.project,
        `the cache replication group id "${replicationGroupId}" (<project>-<environment>) must be <= 40 lowercase letters, digits and single hyphens, starting with a letter`,
        "rename the Pulumi project to a short lowercase name",
    );

    // --- events ---
    const eventsEnabled = bool("eventsEnabled", true);
    inRange("eventArchiveRetentionDays", 0, 36_500);
    const subscriptions = entries("eventSubscriptions").map((entry, i) => readSubscription(new EntryReader(entry, `${k("eventSubscriptions")}[${i}]`, problems), problems));
    if (!eventsEnabled && subscriptions.length > 0) {
        problems.add(k("eventSubscriptions"), `${subscriptions.length} entries`, `require ${k("eventsEnabled")} = true`, `enable events or remove the subscriptions`);
    }
    duplicates(subscriptions.map((s) => s.name)).forEach((name) => problems.add(k("eventSubscriptions"), name, "subscription names must be unique", "rename one of them"));
    // EventBus's pattern rule: every detailFilter leaf is a non-empty list of values.
    subscriptions.forEach((sub, i) => {
        if (sub.detailFilter !== undefined) {
            detailFilterProblems(sub.detailFilter, `${k("eventSubscriptions")}[${i}].detailFilter`, problems);
        }
    });
    subscriptions.forEach((s, i) => {
        problems.check(
            services.some((svc) => svc.name === s.consumer),
            `${k("eventSubscriptions")}[${i}].consumer`,
            s.consumer,
            `must name a service in ${k("services")} (${services.map((svc) => svc.name).join(", ") || "none defined"})`,
            "point consumer at the service that reads this queue",
        );
    });

    validateEventProducers(services, subscriptions, problems, k, {
        eventsEnabled,
        apiProduces: eventsEnabled && bool("apiAsyncEventsEnabled", true),
        notificationsEnabled: eventsEnabled && bool("notificationsEnabled"),
    });

    duplicates(subscriptions.map((sub) => sub.consumer)).forEach((consumer) =>
        problems.add(
            k("eventSubscriptions"),
            consumer,
            "a service scales on the backlog of one queue: it may consume at most one subscription",
            "route the event types into one subscription (detailTypes takes a list) or split the consumer",
        ),
    );

    // API Gateway verifies the ALB's certificate against the integration host name.
    services.forEach((svc, i) => {
        if (svc.api) {
            const first = svc.hostPatterns[0];
            if (first !== undefined && /[*?]/.test(first)) {
                problems.add(
                    `${k("services")}[${i}].hostPatterns[0]`,
                    first,
                    "is the Host header the API sends to this service (it has api), so it must be a concrete host name without * or ?",
                    `put a concrete name first, e.g. ${svc.name}.${albCertificateDomain.replace(/^\*\./, "")}`,
                );
                return;
            }
            const host = integrationHost(svc, privateZoneName);
            problems.check(
                certificateCovers(albCertificateDomain, host),
                `${k("services")}[${i}].hostPatterns`,
                svc.hostPatterns,
                `the API reaches this service at ${host}, which the ALB certificate ${albCertificateDomain} does not cover (API Gateway verifies it)`,
                "make the first host pattern a concrete name under the ALB certificate domain",
            );
        }
    });
    validateApiRouting(services, privateZoneName, problems, k("services"));
    services.forEach((svc, i) =>
        svc.kmsKeyArns.forEach((arn, j) => {
            const keyRegion = arn.split(":")[3];
            if (KMS_KEY_ARN.test(arn) && region !== undefined) {
                problems.check(
                    keyRegion === region,
                    `${k("services")}[${i}].kmsKeyArns[${j}]`,
                    arn,
                    `must be a key in the stack's Region ${region}: the grant is conditioned on kms:ViaService = secretsmanager.${region}.*, Secrets Manager of this Region`,
                    `list the ${region} key that encrypts the service's secrets`,
                );
            }
        }),
    );

    // --- API ---
    const stageName = str("apiStageName");
    problems.check(/^[A-Za-z0-9_]{1,128}$/.test(stageName), k("apiStageName"), stageName, "must be 1-128 letters, digits or underscores", `correct ${k("apiStageName")}`);
    const apiRate = num("apiRateLimit", 1);
    const apiBurst = num("apiBurstLimit", 1);
    problems.check(
        apiRate >= 1 && apiRate <= LIMITS.apiAccountRateLimit,
        k("apiRateLimit"),
        apiRate,
        `must be 1-${LIMITS.apiAccountRateLimit} rps: API Gateway's account limit is ${LIMITS.apiAccountRateLimit} rps per Region, shared by all APIs`,
        "lower the limit, or raise the account quota first and then this validator's limit",
    );
    problems.check(
        apiBurst >= 1 && apiBurst <= LIMITS.apiAccountBurstLimit,
        k("apiBurstLimit"),
        apiBurst,
        `must be 1-${LIMITS.apiAccountBurstLimit}: API Gateway's account burst limit is ${LIMITS.apiAccountBurstLimit} per Region`,
        "lower the burst limit",
    );
    const apiDomainName = optStr("apiDomainName");
    if (apiDomainName !== undefined) {
        problems.check(
            isDomainName(apiDomainName) && isWithinZone(apiDomainName, publicZoneName),
            k("apiDomainName"),
            apiDomainName,
            `must be a domain name in the public zone ${publicZoneName} (its certificate is DNS-validated there)`,
            `use e.g. api.${publicZoneName}`,
        );
    }
    const explicitBasePath = optStr("apiBasePath");
    const apiBasePath = explicitBasePath ?? DEFAULT_API_BASE_PATH;
    problems.check(
        /^[A-Za-z0-9._-]{1,64}$/.test(apiBasePath),
        k("apiBasePath"),
        apiBasePath,
        "must be a single path segment (letters, digits, . _ -)",
        `set ${k("apiBasePath")} to e.g. v1`,
    );
    if (explicitBasePath !== undefined && apiDomainName === undefined) {
        problems.add(
            k("apiBasePath"),
            explicitBasePath,
            `is the base path mapping on the API's custom domain, and ${k("apiDomainName")} is not set (without a domain clients use the stage URL and this value would be ignored)`,
            `set ${k("apiDomainName")} or remove ${k("apiBasePath")}`,
        );
    }
    const mtlsFile = optStr("apiMtlsTruststoreFile");
    if (mtlsFile !== undefined) {
        if (apiDomainName === undefined) {
            problems.add(
                k("apiMtlsTruststoreFile"),
                mtlsFile,
                `mTLS requires a Regional custom domain: set ${k("apiDomainName")} too`,
                `set ${k("apiDomainName")} or remove ${k("apiMtlsTruststoreFile")}`,
            );
        }
        const pem = ctx.readFile(mtlsFile);
        if (pem === undefined) {
            problems.add(
                k("apiMtlsTruststoreFile"),
                mtlsFile,
                "must name a PEM file in the repository (path relative to Pulumi.yaml)",
                "commit the truststore and correct the path",
            );
        } else {
            // The same checks as SecureApi's, here so that a bad truststore fails before any resource exists.
            for (const { problem, fix } of truststoreProblems(pem)) {
                problems.add(k("apiMtlsTruststoreFile"), mtlsFile, `the truststore ${problem}`, fix);
            }
        }
    }
    const wafRate = num("apiWafRateLimit", 100);
    problems.check(
        wafRate >= LIMITS.wafRateMin && wafRate <= LIMITS.wafRateMax,
        k("apiWafRateLimit"),
        wafRate,
        `must be ${LIMITS.wafRateMin}-${LIMITS.wafRateMax} requests per 5 minutes (WAF rate-based rule)`,
        "set a limit within range",
    );
    const cognitoMfa = oneOf<CognitoMfa>("apiCognitoMfa", ["OFF", "OPTIONAL", "ON"], "ON");
    list("apiCallbackUrls").forEach((url, i) => {
        problems.check(
            /^https:\/\/[^\s/]+(\/\S*)?$/.test(url) || /^http:\/\/localhost(:\d+)?(\/\S*)?$/.test(url),
            `${k("apiCallbackUrls")}[${i}]`,
            url,
            "must be an https URL (http only for localhost)",
            "use https",
        );
    });
    const usagePlans = entries("apiUsagePlans").map((entry, i) =>
        readUsagePlan(new EntryReader(entry, `${k("apiUsagePlans")}[${i}]`, problems), problems, apiRate, apiBurst, Array.isArray(entry.scopes)),
    );
    duplicates(usagePlans.map((u) => u.name)).forEach((name) => problems.add(k("apiUsagePlans"), name, "usage plan names must be unique", "rename one of them"));
    duplicates(usagePlans.flatMap((u) => [...new Set(u.consumers)])).forEach((consumer) =>
        problems.add(
            k("apiUsagePlans"),
            consumer,
            "a consumer may belong to one usage plan only: API Gateway allows one key per consumer per stage",
            "keep the consumer in a single plan",
        ),
    );
    const authDomainPrefix = optStr("apiAuthDomainPrefix");
    if (authDomainPrefix !== undefined) {
        problems.check(
            isCognitoDomainPrefix(authDomainPrefix),
            k("apiAuthDomainPrefix"),
            authDomainPrefix,
            `${COGNITO_DOMAIN_PREFIX_RULE}; it must also be unique in the Region across all AWS customers`,
            "use e.g. <project>-<environment>-<account id>, or unset it to get that default",
        );
    } else {
        const stem = defaultCognitoDomainPrefixStem(ctx.project, environment);
        problems.check(
            isValidDefaultCognitoDomainPrefixStem(stem),
            k("apiAuthDomainPrefix"),
            undefined,
            `the default Cognito domain prefix "${stem}<12-digit account id>" (<project>-<environment>-<account id>) ${COGNITO_DOMAIN_PREFIX_RULE}`,
            `set ${k("apiAuthDomainPrefix")} explicitly (e.g. a shorter name plus the account id)`,
        );
    }
    const cacheSize = optStr("apiCacheSizeGb");
    if (cacheSize !== undefined) {
        problems.check(
            (LIMITS.apiCacheSizes as readonly string[]).includes(cacheSize),
            k("apiCacheSizeGb"),
            cacheSize,
            `must be one of ${LIMITS.apiCacheSizes.join(", ")} (GB)`,
            "pick an allowed cache cluster size",
        );
    }
    const cdnEnabled = bool("cdnEnabled");
    const apiCdnOnly = bool("apiCdnOnly");
    if (apiCdnOnly && !cdnEnabled) {
        problems.add(
            k("apiCdnOnly"),
            true,
            `requires ${k("cdnEnabled")} = true (only the CDN can add the origin secret header)`,
            `enable the CDN or set ${k("apiCdnOnly")} to false`,
        );
    }
    const asyncEvents = bool("apiAsyncEventsEnabled", true);
    if (asyncEvents && !eventsEnabled) {
        problems.add(
            k("apiAsyncEventsEnabled"),
            true,
            `requires ${k("eventsEnabled")} = true (the async route puts events on the bus)`,
            "enable events or disable the async route",
        );
    }
    services.forEach((svc, i) => {
        if (svc.api?.rateLimit !== undefined) {
            problems.check(
                svc.api.rateLimit <= apiRate,
                `${k("services")}[${i}].api.rateLimit`,
                svc.api.rateLimit,
                `must not exceed the stage limit ${k("apiRateLimit")} (${apiRate})`,
                "lower the route limit",
            );
        }
        if (svc.api?.burstLimit !== undefined) {
            problems.check(
                svc.api.burstLimit <= apiBurst,
                `${k("services")}[${i}].api.burstLimit`,
                svc.api.burstLimit,
                `must not exceed the stage burst ${k("apiBurstLimit")} (${apiBurst})`,
                "lower the route burst",
            );
        }
        if (svc.api && svc.api.cacheTtlSeconds > 0 && cacheSize === undefined) {
            problems.add(
                `${k("services")}[${i}].api.cacheTtlSeconds`,
                svc.api.cacheTtlSeconds,
                `caching needs a stage cache: set ${k("apiCacheSizeGb")}`,
                `set ${k("apiCacheSizeGb")} or cacheTtlSeconds to 0`,
            );
        }
    });

    // Usage plans: what they cover must exist, and what a consumer's client may ask for must be a scope of the API.
    const exposed = services.filter((svc) => svc.api !== undefined);
    const apiScopes = new Set([...exposed.flatMap((svc) => svc.api?.scopes ?? []), ...(asyncEvents ? [API_EVENTS_SCOPE] : [])]);
    usagePlans.forEach((u, i) => {
        const key = (field: string) => `${k("apiUsagePlans")}[${i}].${field}`;
        u.services.forEach((name, j) =>
            problems.check(
                exposed.some((svc) => svc.name === name),
                `${key("services")}[${j}]`,
                name,
                `must name a service exposed through the API (a ${k("services")} entry with an api mapping: ${exposed.map((svc) => svc.name).join(", ") || "none"})`,
                "list the exposed services this plan's consumers call",
            ),
        );
        duplicates(u.services).forEach((name) => problems.add(key("services"), name, "services must be unique within a plan", "remove the duplicate"));
        if (u.asyncEvents && !asyncEvents) {
            problems.add(
                key("asyncEvents"),
                true,
                `covers the async route, which ${k("apiAsyncEventsEnabled")} = false removes`,
                `enable the async route or remove asyncEvents from the plan`,
            );
        }
        problems.check(
            u.services.length > 0 || u.asyncEvents,
            key("services"),
            u.services,
            "a plan must cover at least one exposed service or the async route (asyncEvents: true): API Gateway meters only methods that require an API key",
            "list the services the plan's consumers call",
        );
        (u.scopes ?? []).forEach((scope, j) =>
            problems.check(
                apiScopes.has(scope),
                `${key("scopes")}[${j}]`,
                scope,
                `must be a scope of the API (${[...apiScopes].sort().join(", ") || "none"})`,
                "use a scope an exposed service (or the async route) declares",
            ),
        );
        if (u.scopes !== undefined && u.scopes.length === 0) {
            problems.add(key("scopes"), [], "an app client without scopes cannot obtain a token for this API", "list scopes, or remove scopes to use the covered services' scopes");
        }
    });

    // --- CDN ---
    if (cdnEnabled && mtlsFile !== undefined) {
        problems.add(
            k("apiMtlsTruststoreFile"),
            mtlsFile,
            `cannot be combined with ${k("cdnEnabled")} = true: an mTLS custom domain rejects CloudFront, which would need an origin client certificate (CloudFront origin mTLS) that this platform does not configure`,
            "serve mTLS partners from a stack without the CDN, or remove the truststore",
        );
    }
    if (cdnEnabled && apiDomainName === undefined) {
        problems.add(k("cdnEnabled"), true, `the CDN's API origin is the API's custom domain: set ${k("apiDomainName")}`, `set ${k("apiDomainName")} or disable the CDN`);
    }
    // The CDN settings are checked by EdgeCdn's own pure validator, on the args the program builds
    // from them, so config and component share one set of rules; its problems are reported under the
    // config keys the args come from. (EdgeCdn is built last: without this, a setting it rejects
    // would surface only after every other resource was registered.)
    const aliases = list("cdnAliases");
    const priceClass = str("cdnPriceClass");
    const minTls = str("cdnMinimumProtocolVersion");
    const geoType = str("cdnGeoRestrictionType");
    const geoLocations = list("cdnGeoRestrictionLocations");
    const csp = str("cdnContentSecurityPolicy");
    const cdnApiCacheTtl = num("cdnApiCacheTtlSeconds");
    const cdnApiCachePaths = entries("cdnApiCachePaths").map((entry, i): CdnApiCachePathConfig => {
        const r = new EntryReader(entry, `${k("cdnApiCachePaths")}[${i}]`, problems);
        const path = { pathPattern: r.string("pathPattern", "", { required: true }), ttlSeconds: r.number("ttlSeconds", 0, { required: true, integer: true }) };
        r.finish();
        return path;
    });
    const cdnWaf = num("cdnWafRateLimit");
    const cdnArgKeys: Partial<Record<EdgeCdnArgPath, KeyName>> = {
        aliases: "cdnAliases",
        publicZoneName: "publicZoneName",
        "apiOrigin.domainName": "apiDomainName",
        "apiOrigin.basePath": "apiBasePath",
        apiPathPattern: "apiBasePath",
        apiCacheTtlSeconds: "cdnApiCacheTtlSeconds",
        apiPathCaching: "cdnApiCachePaths",
        priceClass: "cdnPriceClass",
        minimumProtocolVersion: "cdnMinimumProtocolVersion",
        "geoRestriction.type": "cdnGeoRestrictionType",
        "geoRestriction.locations": "cdnGeoRestrictionLocations",
        contentSecurityPolicy: "cdnContentSecurityPolicy",
        wafRateLimit: "cdnWafRateLimit",
        logRetentionDays: "logRetentionDays",
        keyDeletionWindowDays: "kmsDeletionWindowDays",
    };
    // Keys of other sections, already validated above by rules at least as strict: not reported twice.
    const validatedElsewhere = new Set(["apiDomainName", "apiBasePath", "publicZoneName", "logRetentionDays", "kmsDeletionWindowDays"].map(k));
    const cdnProblems = validateEdgeCdnArgs(
        {
            aliases,
            publicZoneName,
            apiOrigin: { domainName: apiDomainName ?? "", basePath: apiBasePath },
            apiCacheTtlSeconds: cdnApiCacheTtl,
            apiPathCaching: cdnApiCachePaths,
            priceClass,
            minimumProtocolVersion: minTls,
            geoRestriction: { type: geoType, locations: geoLocations },
            contentSecurityPolicy: csp,
            wafRateLimit: cdnWaf,
            logRetentionDays: num("logRetentionDays"),
            keyDeletionWindowDays: num("kmsDeletionWindowDays"),
        },
        (path) => {
            const key = cdnArgKeys[path];
            // Args the configuration does not set keep their EdgeCdn name (they stay at their valid defaults).
            return key !== undefined ? k(key) : `EdgeCdnArgs.${path}`;
        },
    ).filter((p) => !validatedElsewhere.has(p.key) && (cdnEnabled || p.key !== k("cdnAliases") || aliases.length > 0));
    problems.addAll(cdnProblems);

    // --- settings of features that are off: reported, not silently dropped ---
    const onlyWhen = (names: readonly KeyName[], condition: string, fix: string): void => {
        // isExplicit: set by the stack, not a profile/unset marker nor the declared default.
        for (const name of names.filter((n) => isExplicit(raw, n))) {
            problems.add(k(name), values.get(name) ?? setValue(raw, name), `applies only when ${condition}`, `remove ${k(name)}, or ${fix}`);
        }
    };
    if (dataKind === "nosql") {
        onlyWhen(
            [
                "auroraEngineVersion",
                "auroraInstanceClass",
                "auroraInstanceCount",
                "auroraMinCapacity",
                "auroraMaxCapacity",
                "auroraReaderMaxCount",
                "auroraBackupRetentionDays",
                "auroraPerformanceInsightsRetentionDays",
                "auroraMonitoringInterval",
                "auroraDatabaseName",
                "dbWriterDnsTtl",
                "dbReaderDnsTtl",
            ],
            `${k("dataKind")} is sql (DynamoDB has no cluster and no database DNS record)`,
            `set ${k("dataKind")} to sql`,
        );
    } else {
        onlyWhen(["dynamoTables"], `${k("dataKind")} is nosql`, `set ${k("dataKind")} to nosql`);
        if (instanceClass !== "db.serverless") {
            onlyWhen(["auroraMinCapacity", "auroraMaxCapacity"], `${k("auroraInstanceClass")} is db.serverless (it is ${instanceClass})`, `use db.serverless`);
        }
    }
    if (!cacheEnabled) {
        onlyWhen(
            ["cacheEngine", "cacheEngineVersion", "cacheNodeType", "cacheNodeCount", "cacheMultiAz", "cacheSnapshotRetentionDays", "cachePrimaryDnsTtl", "cacheReaderDnsTtl"],
            `${k("cacheEnabled")} is true`,
            `set ${k("cacheEnabled")} to true`,
        );
        services.forEach((svc, i) =>
            problems.check(
                !svc.usesCache,
                `${k("services")}[${i}].usesCache`,
                true,
                `requires ${k("cacheEnabled")} = true: there is no cache to connect to or read the AUTH secret of`,
                `set ${k("cacheEnabled")} to true, or usesCache to false`,
            ),
        );
    }
    if (!eventsEnabled) {
        onlyWhen(["notificationsEnabled", "eventArchiveRetentionDays"], `${k("eventsEnabled")} is true`, `set ${k("eventsEnabled")} to true`);
    }
    if (!cdnEnabled) {
        onlyWhen(
            [
                "cdnAliases",
                "cdnPriceClass",
                "cdnMinimumProtocolVersion",
                "cdnGeoRestrictionType",
                "cdnGeoRestrictionLocations",
                "cdnContentSecurityPolicy",
                "cdnApiCacheTtlSeconds",
                "cdnApiCachePaths",
                "cdnWafRateLimit",
            ],
            `${k("cdnEnabled")} is true`,
            `set ${k("cdnEnabled")} to true`,
        );
    }

    // --- prod floors: the profile's prod values are minimums, not only defaults ---
    // Explicit config wins over a profile default, but not over these: prod's data must survive a
    // bad `pulumi up` or a deleted stack, and its cache and backups must outlive an AZ or a bad day.
    // (The policy pack enforces the same at preview; here they fail before any resource exists.)
    if (envKnown && environment === "prod") {
        const prodFloor = (name: KeyName, ok: boolean, value: unknown, allowed: string, fix: string) => problems.check(ok, k(name), value, `${allowed} in prod`, fix);
        prodFloor(
            "protectStatefulResources",
            bool("protectStatefulResources"),
            bool("protectStatefulResources"),
            "must be true",
            `remove ${k("protectStatefulResources")} (prod's profile turns it on); unprotect a resource for a planned deletion with \`pulumi state unprotect\``,
        );
        prodFloor("deletionProtection", bool("deletionProtection"), bool("deletionProtection"), "must be true", `remove ${k("deletionProtection")} (prod's profile turns it on)`);
        if (dataKind === "sql") {
            const backupDays = num("auroraBackupRetentionDays");
            prodFloor("auroraBackupRetentionDays", backupDays >= 7, backupDays, "must be >= 7 days", `set ${k("auroraBackupRetentionDays")} to 7-35 (prod's profile: 14)`);
        }
        if (cacheEnabled) {
            prodFloor("cacheNodeCount", nodeCount >= 3, nodeCount, "must be >= 3 (a primary and two replicas)", `set ${k("cacheNodeCount")} to 3-6`);
            const snapshotDays = num("cacheSnapshotRetentionDays");
            prodFloor(
                "cacheSnapshotRetentionDays",
                snapshotDays >= 1,
                snapshotDays,
                "must be >= 1 day (daily snapshots on)",
                `set ${k("cacheSnapshotRetentionDays")} to 1-35 (prod's profile: 7)`,
            );
        }
    }

    // An unknown environment makes every profile-derived value meaningless: stop here.
    problems.throwIfAny(`Invalid configuration for stack environment ${show(envRaw)}`);
    if (!envKnown) {
        throw new Error("unreachable: an unknown environment is always reported");
    }

    return {
        project: ctx.project,
        environment,
        region: region as string,
        protectStatefulResources: bool("protectStatefulResources"),
        deletionProtection: bool("deletionProtection"),
        requireMultiAz,
        advisories: advisories.list,
        logRetentionDays: num("logRetentionDays"),
        kmsDeletionWindowDays: num("kmsDeletionWindowDays"),
        alarmEmails: list("alarmEmails"),
        network: {
            cidrBlock: vpcCidrText,
            availabilityZoneCount: azCount,
            natStrategy,
            publicSubnetMask: masks[0].mask,
            privateSubnetMask: masks[1].mask,
            isolatedSubnetMask: masks[2].mask,
            flowLogRetentionDays: num("flowLogRetentionDays"),
            reservedCidrs: list("reservedCidrs"),
            albIngressCidrs: list("albIngressCidrs"),
        },
        dns: {
            publicZoneName,
            privateZoneName,
            albCertificateDomain,
            ttl: {
                databaseWriter: num("dbWriterDnsTtl"),
                databaseReader: num("dbReaderDnsTtl"),
                cachePrimary: num("cachePrimaryDnsTtl"),
                cacheReader: num("cacheReaderDnsTtl"),
            },
        },
        services,
        data: {
            kind: dataKind,
            sql: {
                engineVersion,
                instanceClass,
                instanceCount,
                minCapacity: minAcu,
                maxCapacity: maxAcu,
                readerMaxCount: readerMax,
                backupRetentionDays: num("auroraBackupRetentionDays"),
                performanceInsightsRetentionDays: piRetention,
                monitoringIntervalSeconds: monitoring,
                databaseName,
            },
            nosql: { tables },
        },
        cache: {
            enabled: cacheEnabled,
            engine: cacheEngine,
            engineVersion: cacheEngineVersion,
            nodeType,
            nodeCount,
            multiAz: cacheMultiAz,
            snapshotRetentionDays: num("cacheSnapshotRetentionDays"),
            replicationGroupId,
        },
        events: {
            enabled: eventsEnabled,
            archiveRetentionDays: num("eventArchiveRetentionDays"),
            notificationsEnabled: bool("notificationsEnabled"),
            subscriptions,
        },
        api: {
            stageName,
            rateLimit: apiRate,
            burstLimit: apiBurst,
            domainName: apiDomainName,
            basePath: apiBasePath,
            mtlsTruststoreFile: mtlsFile,
            wafRateLimit: wafRate,
            cognitoMfa,
            callbackUrls: list("apiCallbackUrls"),
            usagePlans,
            cacheSizeGb: cacheSize,
            cdnOnly: apiCdnOnly,
            asyncEventsEnabled: asyncEvents,
            authDomainPrefix,
            manageAccountLogsRole: bool("apiManageAccountLogsRole", true),
        },
        cdn: {
            enabled: cdnEnabled,
            aliases,
            // Checked above (validateEdgeCdnArgs); the fallbacks only narrow the types.
            priceClass: isOneOf(priceClass, PRICE_CLASSES) ? priceClass : "PriceClass_100",
            minimumProtocolVersion: isOneOf(minTls, ALLOWED_MINIMUM_PROTOCOL_VERSIONS) ? minTls : "TLSv1.2_2021",
            geoRestrictionType: isOneOf(geoType, GEO_RESTRICTION_TYPES) ? geoType : "none",
            geoRestrictionLocations: geoLocations,
            contentSecurityPolicy: csp,
            apiCacheTtlSeconds: cdnApiCacheTtl,
            apiCachePaths: cdnApiCachePaths,
            wafRateLimit: cdnWaf,
        },
    };
}

/**
 * The asynchronous path is complete only when every rule has a producer and every producer a rule:
 * - each subscription source is put on the bus by someone: the API's async route (source
 *   `platform.api`, when it is enabled) or a service that declares it in `publishes` (only those
 *   roles may put events, and only with their declared sources);
 * - the API's async route feeds at least one subscription, and so does every declared source
 *   (otherwise those events are accepted and only archived);
 * - the notifications topic has a publisher and at least one (standard) queue to fan out to.
 * Settings for a disabled feature are reported, not ignored.
 */
function validateEventProducers(
    services: readonly ServiceConfig[],
    subscriptions: readonly EventSubscriptionConfig[],
    problems: Problems,
    k: (name: string) => string,
    on: { readonly eventsEnabled: boolean; readonly apiProduces: boolean; readonly notificationsEnabled: boolean },
): void {
    const producers = new Map<string, string[]>();
    const addProducer = (source: string, who: string) => producers.set(source, [...(producers.get(source) ?? []), who]);
    if (on.apiProduces) {
        addProducer(API_EVENT_SOURCE, "the API's async route");
    }
    services.forEach((svc) => svc.publishes.forEach((source) => addProducer(source, `service ${svc.name}`)));
    const known = [...producers].map(([source, who]) => `${source} (${who.join(", ")})`).join(", ") || "none";

    if (on.eventsEnabled) {
        subscriptions.forEach((sub, i) =>
            sub.sources.forEach((source, j) =>
                problems.check(
                    producers.has(source),
                    `${k("eventSubscriptions")}[${i}].sources[${j}]`,
                    source,
                    `subscription "${sub.name}" matches source "${source}", which nothing puts on the bus, so its queue would stay empty (sources with a producer: ${known})`,
                    source === API_EVENT_SOURCE
                        ? `enable ${k("apiAsyncEventsEnabled")}, or correct the source`
                        : `add "${source}" to publishes of the service that emits these events, or correct the source`,
                ),
            ),
        );
        const consumed = new Set(subscriptions.flatMap((sub) => sub.sources));
        if (on.apiProduces) {
            problems.check(
                consumed.has(API_EVENT_SOURCE),
                k("apiAsyncEventsEnabled"),
                true,
                `events posted to POST /events/{detailType} have source "${API_EVENT_SOURCE}", which no subscription matches: they would be accepted (202) and only archived`,
                `add a subscription with sources: [${API_EVENT_SOURCE}], or set ${k("apiAsyncEventsEnabled")} to false`,
            );
        }
        services.forEach((svc, i) =>
            svc.publishes.forEach((source, j) =>
                problems.check(
                    consumed.has(source),
                    `${k("services")}[${i}].publishes[${j}]`,
                    source,
                    `no subscription matches source "${source}": ${svc.name}'s events would only be archived`,
                    `add a subscription for "${source}", or remove it from publishes`,
                ),
            ),
        );
    } else {
        services.forEach((svc, i) => {
            if (svc.publishes.length > 0) {
                problems.add(`${k("services")}[${i}].publishes`, svc.publishes, `applies only when ${k("eventsEnabled")} is true`, `remove publishes or enable events`);
            }
        });
    }

    const publishers = services.filter((svc) => svc.publishesNotifications);
    if (on.notificationsEnabled) {
        problems.check(
            publishers.length > 0,
            k("notificationsEnabled"),
            true,
            "the SNS fan-out topic would have no publisher: no service sets publishesNotifications, and the topic grants nobody else",
            `set publishesNotifications: true on the service that sends notifications, or set ${k("notificationsEnabled")} to false`,
        );
        problems.check(
            subscriptions.some((sub) => !sub.fifo),
            k("notificationsEnabled"),
            true,
            "the SNS fan-out topic would deliver to no queue: it fans out to the standard (non-FIFO) subscriptions' queues, and there are none",
            `add a standard subscription, or set ${k("notificationsEnabled")} to false`,
        );
    } else {
        services.forEach((svc, i) => {
            if (svc.publishesNotifications) {
                problems.add(
                    `${k("services")}[${i}].publishesNotifications`,
                    true,
                    `applies only when ${k("eventsEnabled")} and ${k("notificationsEnabled")} are true (there is no topic to publish to)`,
                    "remove publishesNotifications or enable notifications",
                );
            }
        });
    }
}

/** True when `value` is one of `allowed` (narrows a validated string to its union type). */
function isOneOf<T extends string>(value: string, allowed: readonly T[]): value is T {
    return (allowed as readonly string[]).includes(value);
}

/** The host name the API uses for a service: its first host pattern, else its private DNS name. */
export function integrationHost(service: Pick<ServiceConfig, "name" | "hostPatterns">, privateZoneName: string): string {
    return service.hostPatterns[0] ?? `${service.name}.${privateZoneName}`;
}

/**
 * The requests SecureApi forwards to an exposed service: `/<basePath>`, each public path and its
 * intermediate segments (exact resources), and any non-empty path below `/<basePath>/` (every
 * `{proxy+}` resource lies there). The backend receives the resource path itself, without the
 * stage name.
 */
export function apiForwardedPaths(api: Pick<ServiceApiConfig, "basePath" | "publicPaths">): { readonly exact: readonly string[]; readonly below: string } {
    const base = `/${api.basePath}`;
    const exact = new Set<string>([base]);
    for (const publicPath of api.publicPaths) {
        const segments = publicPath.split("/");
        for (let n = 1; n <= segments.length; n++) {
            exact.add(`${base}/${segments.slice(0, n).join("/")}`);
        }
    }
    return { exact: [...exact], below: `${base}/` };
}

/**
 * Every request the API forwards to a service must reach that service's listener rule: its own
 * rule matches the request (host AND path), and no rule of another service that the ALB evaluates
 * first (lower priority number) matches it. Otherwise the request gets the ALB's fixed 404 or lands
 * on the wrong service. Exact for every path below the base path, not sampled (lib/alb-rules.ts).
 */
function validateApiRouting(services: readonly ServiceConfig[], privateZoneName: string, problems: Problems, key: string): void {
    services.forEach((svc, i) => {
        // A wildcard first host is reported on its own: there is no concrete Host to route.
        if (svc.api === undefined || /[*?]/.test(svc.hostPatterns[0] ?? "")) {
            return;
        }
        const host = integrationHost(svc, privateZoneName);
        const { exact, below } = apiForwardedPaths(svc.api);
        const forwarded = `${exact.join(", ")} and every path below ${below}`;
        // Its own rule: the host condition always accepts `host` (it is hostPatterns[0] itself, or
        // there is no host condition), so the path condition decides.
        const unmatched = exact.filter((path) => !pathConditionMatches(svc.pathPatterns, path));
        const belowCovered = albPatternsCoverAllBelow(svc.pathPatterns, below);
        const missing = [...unmatched, ...(belowCovered ? [] : [`${below}*`])];
        if (missing.length > 0) {
            const described = [...unmatched, ...(belowCovered ? [] : [`some paths below ${below}`])].join(", ");
            problems.add(
                `${key}[${i}].pathPatterns`,
                svc.pathPatterns,
                `must match every path the API forwards to ${svc.name} on host ${host} (${forwarded}); ${described} ${unmatched.length === 1 && belowCovered ? "does" : "do"} not match, so the ALB answers those requests with its fixed 404 (a rule's host and path conditions must both match)`,
                `add ${missing.map((p) => JSON.stringify(p)).join(", ")} to pathPatterns, e.g. ${JSON.stringify([...new Set([...svc.pathPatterns, ...missing])])}`,
            );
        }
        // Rules the ALB evaluates first.
        services.forEach((other, j) => {
            if (j === i || other.priority >= svc.priority || !hostConditionMatches(other.hostPatterns, host)) {
                return;
            }
            const taken = [
                ...exact.filter((path) => pathConditionMatches(other.pathPatterns, path)),
                ...(other.pathPatterns.length === 0 || other.pathPatterns.some((pattern) => albPatternsOverlap(pattern, `${below}?*`)) ? [`paths below ${below}`] : []),
            ];
            if (taken.length > 0) {
                problems.add(
                    `${key}[${i}].priority`,
                    svc.priority,
                    `services[${j}] (${other.name}) has priority ${other.priority}, so the ALB evaluates its rule first, and that rule also matches requests the API forwards to ${svc.name} on host ${host} (${taken.join(", ")}): they would reach ${other.name}`,
                    `give ${svc.name} a priority below ${other.priority}, or narrow ${other.name}'s hostPatterns/pathPatterns so they exclude these requests`,
                );
            }
        });
    });
}

/** A KMS key ARN (key id or multi-Region `mrk-` id), not an alias ARN. */
const KMS_KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})$/;

/** True when a certificate name (possibly `*.` wildcard, one label deep) covers `host`. */
export function certificateCovers(certificateName: string, host: string): boolean {
    if (certificateName.startsWith("*.")) {
        const base = certificateName.slice(2);
        const dot = host.indexOf(".");
        return dot > 0 && host.slice(dot + 1) === base && !host.slice(0, dot).includes("*");
    }
    return certificateName === host;
}

function duplicates(names: readonly string[]): string[] {
    return [...new Set(names.filter((name, i) => names.indexOf(name) !== i))];
}

/** Service defaults that depend on the environment profile (explicit entry fields win). */
const SERVICE_MIN_COUNT: Record<Environment, number> = { dev: 1, staging: 2, prod: 2 };

function readService(r: EntryReader, problems: Problems, env: Environment): ServiceConfig {
    const name = r.string("name", "", { required: true });
    const image = r.string("image", "", { required: true, hint: "a container image reference such as 123456789012.dkr.ecr.eu-west-1.amazonaws.com/orders:1.4.2" });
    const port = r.number("port", 8080);
    const cpu = r.number("cpu", 256);
    const memory = r.number("memory", 512);
    const hostPatterns = r.strings("hostPatterns");
    const pathPatterns = r.strings("pathPatterns");
    const priority = r.number("priority", 0, { required: true });
    const healthCheckPath = r.string("healthCheckPath", "/health");
    const minCount = r.number("minCount", SERVICE_MIN_COUNT[env]);
    const maxCount = r.number("maxCount", Math.max(4, minCount * 2));
    const cpuTargetPercent = r.number("cpuTargetPercent", 60);
    const memoryTargetPercent = r.number("memoryTargetPercent", 70);
    const requestsPerTarget = r.number("requestsPerTarget", 1000);
    const deregistrationDelaySeconds = r.number("deregistrationDelaySeconds", 30);
    const readonlyRootFilesystem = r.boolean("readonlyRootFilesystem", true);
    const environment = r.stringMap("environment");
    const usesDatabase = r.boolean("usesDatabase", false);
    const usesCache = r.boolean("usesCache", false);
    const secretArns = r.strings("secretArns");
    const kmsKeyArns = r.strings("kmsKeyArns");
    const publishes = r.strings("publishes");
    const publishesNotifications = r.boolean("publishesNotifications", false);
    const apiEntry = r.object("api");
    r.finish();

    const key = (field: string) => `${r.path}.${field}`;
    problems.check(
        DNS_LABEL.test(name) && name.length <= 20,
        key("name"),
        name,
        "must be DNS-safe: 1-20 lowercase letters, digits and hyphens, starting with a letter",
        "rename the service, e.g. orders-api",
    );
    problems.check(
        !RESERVED_LABELS.includes(name),
        key("name"),
        name,
        `must not be one of the private zone's own names (${RESERVED_LABELS.join(", ")}): the service's record <name>.<privateZoneName> would collide with them`,
        "rename the service, e.g. orders-api",
    );
    const tgName = targetGroupLogicalName(COMPONENT_NAMES.services, name);
    problems.check(
        tgName.length <= maxLogicalNameLength(LB_NAME_MAX),
        key("name"),
        name,
        `gives target group "${tgName}", which autonaming extends to ${tgName.length + 8} characters; target group names are limited to ${LB_NAME_MAX}`,
        `shorten the service name to ${maxLogicalNameLength(LB_NAME_MAX) - COMPONENT_NAMES.services.length - 1} characters or fewer`,
    );
    problems.check(
        image.trim().length > 0 && !/\s/.test(image),
        key("image"),
        image,
        "must be a container image reference without spaces",
        "use registry/repository:tag or @sha256 digest",
    );
    problems.check(port >= 1 && port <= 65535, key("port"), port, "must be a TCP port 1-65535", "use the port the container listens on");
    const memories = LIMITS.fargate[cpu];
    if (memories === undefined) {
        problems.add(key("cpu"), cpu, `must be a Fargate CPU value: ${Object.keys(LIMITS.fargate).join(", ")}`, "pick a supported CPU size");
    } else {
        problems.check(
            memories.includes(memory),
            key("memory"),
            memory,
            `is not a valid Fargate pair with cpu ${cpu}; allowed: ${memories[0]}-${memories[memories.length - 1]} MiB (${memories.join(", ")})`,
            "pick a memory size listed for this CPU",
        );
    }
    problems.check(
        /^\/[A-Za-z0-9._~\-/]*$/.test(healthCheckPath) && healthCheckPath.length <= 1024,
        key("healthCheckPath"),
        healthCheckPath,
        "must be an absolute URL path starting with /",
        "use e.g. /health",
    );
    problems.check(
        priority >= 1 && priority <= LIMITS.albMaxPriority,
        key("priority"),
        priority,
        `must be 1-${LIMITS.albMaxPriority} (ALB listener rule priority)`,
        "give every service a distinct priority; leave gaps (10, 20, 30) for later services",
    );
    problems.check(minCount >= 1, key("minCount"), minCount, "must be at least 1", "raise minCount");
    problems.check(minCount <= maxCount, key("minCount"), minCount, `must not exceed maxCount (${maxCount})`, "raise maxCount or lower minCount");
    problems.check(cpuTargetPercent >= 10 && cpuTargetPercent <= 90, key("cpuTargetPercent"), cpuTargetPercent, "must be 10-90 (%)", "use e.g. 60");
    problems.check(memoryTargetPercent >= 10 && memoryTargetPercent <= 90, key("memoryTargetPercent"), memoryTargetPercent, "must be 10-90 (%)", "use e.g. 70");
    problems.check(requestsPerTarget >= 1, key("requestsPerTarget"), requestsPerTarget, "must be >= 1 request per target per minute", "use e.g. 1000");
    problems.check(
        deregistrationDelaySeconds >= 0 && deregistrationDelaySeconds <= 3600,
        key("deregistrationDelaySeconds"),
        deregistrationDelaySeconds,
        "must be 0-3600 seconds",
        "use e.g. 30",
    );
    problems.check(
        hostPatterns.length + pathPatterns.length > 0,
        r.path,
        name,
        "needs at least one of hostPatterns or pathPatterns for its listener rule",
        "add hostPatterns and/or pathPatterns",
    );
    checkAlbRuleLimits(problems, hostPatterns, pathPatterns, { rule: r.path, hostPatterns: key("hostPatterns"), pathPatterns: key("pathPatterns") });
    hostPatterns.forEach((h, i) =>
        problems.check(
            /^[a-z0-9*?.-]{1,128}$/.test(h),
            `${key("hostPatterns")}[${i}]`,
            h,
            "must be a host name pattern (lowercase letters, digits, . - * ?; max 128)",
            "correct the pattern",
        ),
    );
    pathPatterns.forEach((pth, i) =>
        problems.check(
            /^\/[A-Za-z0-9_\-.$/~"'@:+*?&]{0,127}$/.test(pth),
            `${key("pathPatterns")}[${i}]`,
            pth,
            "must start with / and use ALB path pattern characters (max 128)",
            "correct the pattern",
        ),
    );
    secretArns.forEach((arn, i) =>
        problems.check(
            /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+$/.test(arn),
            `${key("secretArns")}[${i}]`,
            arn,
            "must be a Secrets Manager secret ARN",
            "copy the ARN from Secrets Manager",
        ),
    );
    kmsKeyArns.forEach((arn, i) =>
        problems.check(
            KMS_KEY_ARN.test(arn),
            `${key("kmsKeyArns")}[${i}]`,
            arn,
            "must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<key id>; not an alias)",
            "copy the key ARN of the customer-managed key that encrypts the secrets",
        ),
    );
    problems.check(
        kmsKeyArns.length === 0 || secretArns.length > 0,
        key("kmsKeyArns"),
        kmsKeyArns,
        "grant kms:Decrypt through Secrets Manager only, so they need secretArns: without secrets they would grant nothing the task can use",
        "list the secrets in secretArns, or remove kmsKeyArns",
    );
    publishes.forEach((source, i) => {
        problems.check(
            /^[A-Za-z0-9._/-]{1,256}$/.test(source) && !source.startsWith("aws."),
            `${key("publishes")}[${i}]`,
            source,
            "must be an event source: 1-256 letters, digits, . _ / -, not starting with aws. (reserved for AWS services)",
            "use e.g. platform.orders",
        );
        problems.check(
            source !== API_EVENT_SOURCE,
            `${key("publishes")}[${i}]`,
            source,
            `is the API's own source; a service must not put events that look as if a client had posted them through the API`,
            "publish under the service's own source, e.g. platform.orders",
        );
    });
    duplicates(publishes).forEach((source) => problems.add(key("publishes"), source, "each source may be listed once", "remove the duplicate"));
    for (const envName of Object.keys(environment)) {
        problems.check(
            /^[A-Z_][A-Z0-9_]*$/.test(envName),
            `${key("environment")}.${envName}`,
            envName,
            "must be an environment variable name (A-Z, 0-9, _)",
            "rename the variable",
        );
        problems.check(
            !/(PASSWORD|SECRET|TOKEN|PRIVATE_KEY)/.test(envName),
            `${key("environment")}.${envName}`,
            envName,
            "looks like a secret; secrets belong in Secrets Manager, never in config or state",
            "store it in Secrets Manager and list its ARN in secretArns",
        );
    }

    let api: ServiceApiConfig | undefined;
    if (apiEntry !== undefined) {
        const a = new EntryReader(apiEntry, key("api"), problems);
        const basePath = a.string("basePath", name);
        const scopes = a.strings("scopes");
        const publicPaths = a.strings("publicPaths");
        const cacheTtlSeconds = a.number("cacheTtlSeconds", 0);
        const rateLimit = a.optionalNumber("rateLimit");
        const burstLimit = a.optionalNumber("burstLimit");
        a.finish();
        problems.check(/^[a-z0-9][a-z0-9-]{0,62}$/.test(basePath), `${key("api")}.basePath`, basePath, "must be one lowercase path segment", "use e.g. orders");
        problems.check(
            scopes.length > 0,
            `${key("api")}.scopes`,
            scopes,
            "an exposed service needs at least one OAuth scope: without one its protected routes would accept any token, ID tokens included",
            "list the scopes a token must carry, e.g. [orders.read]",
        );
        scopes.forEach((s, i) =>
            problems.check(/^[a-z][a-z0-9._-]{0,63}$/.test(s), `${key("api")}.scopes[${i}]`, s, "must be a scope name (lowercase letters, digits, . _ -)", "use e.g. orders.read"),
        );
        publicPaths.forEach((s, i) =>
            problems.check(/^[a-z0-9][a-z0-9/_-]*$/.test(s), `${key("api")}.publicPaths[${i}]`, s, "must be a relative path below basePath (no leading /)", "use e.g. health"),
        );
        problems.check(cacheTtlSeconds >= 0 && cacheTtlSeconds <= 3600, `${key("api")}.cacheTtlSeconds`, cacheTtlSeconds, "must be 0-3600 seconds", "use 0 to disable caching");
        api = { basePath, scopes, publicPaths, cacheTtlSeconds, rateLimit, burstLimit };
    }

    return {
        name,
        image,
        port,
        cpu,
        memory,
        hostPatterns,
        pathPatterns,
        priority,
        healthCheckPath,
        minCount,
        maxCount,
        cpuTargetPercent,
        memoryTargetPercent,
        requestsPerTarget,
        deregistrationDelaySeconds,
        readonlyRootFilesystem,
        environment,
        usesDatabase,
        usesCache,
        secretArns,
        kmsKeyArns,
        publishes,
        publishesNotifications,
        api,
    };
}

function validateServices(services: readonly ServiceConfig[], problems: Problems, key: string, multiAz: Problems): void {
    // Each repeat is reported at its own entry, naming the entry that has the value first.
    services.forEach((svc, i) => {
        const first = services.findIndex((other) => other.name === svc.name);
        if (first < i) {
            problems.add(`${key}[${i}].name`, svc.name, `service names must be unique: already used by ${key}[${first}]`, "rename one of the services");
        }
        const firstPriority = services.findIndex((other) => other.priority === svc.priority);
        if (firstPriority < i) {
            problems.add(
                `${key}[${i}].priority`,
                svc.priority,
                `listener rule priorities must be unique: already used by ${key}[${firstPriority}] (${services[firstPriority].name})`,
                "give each service its own priority; leave gaps (10, 20, 30) for later services",
            );
        }
    });
    duplicates(services.filter((s) => s.api).map((s) => s.api?.basePath ?? "")).forEach((bp) =>
        problems.add(key, bp, "api.basePath must be unique across services", "give each exposed service its own base path"),
    );
    problems.check(
        services.length <= LIMITS.albMaxRules,
        key,
        `${services.length} services`,
        `an ALB listener allows at most ${LIMITS.albMaxRules} rules (one per service)`,
        "split services across several platforms",
    );
    services.forEach((s, i) =>
        multiAz.check(
            s.minCount >= 2,
            `${key}[${i}].minCount`,
            s.minCount,
            "must be >= 2 when platform:requireMultiAz is true, so tasks run in two AZs",
            "set minCount to 2 or more",
        ),
    );
    // The ALB's own logical name must also survive autonaming.
    const albName = loadBalancerLogicalName(COMPONENT_NAMES.services);
    problems.check(
        albName.length <= maxLogicalNameLength(LB_NAME_MAX),
        "component name",
        albName,
        `load balancer names are limited to ${LB_NAME_MAX} characters`,
        "shorten COMPONENT_NAMES.services",
    );
}

function readKey(obj: Record<string, unknown> | undefined, path: string, problems: Problems, required: boolean): DynamoKey | undefined {
    if (obj === undefined) {
        if (required) {
            problems.add(path, undefined, "a key { name, type } is required", "add the key attribute");
        }
        return undefined;
    }
    const r = new EntryReader(obj, path, problems);
    const name = r.string("name", "", { required: true });
    const type = r.string("type", "S");
    r.finish();
    // The attribute rules (name length, S/N/B, one type per attribute) are DataTier's validateTable.
    return { name, type: type as DynamoKey["type"] };
}

function readTable(r: EntryReader, problems: Problems): DynamoTableConfig {
    const name = r.string("name", "", { required: true });
    const partitionKey = readKey(r.object("partitionKey"), `${r.path}.partitionKey`, problems, true) ?? { name: "pk", type: "S" };
    const sortKey = readKey(r.object("sortKey"), `${r.path}.sortKey`, problems, false);
    const gsis = r.objects("globalSecondaryIndexes").map((g, i): DynamoGsiConfig => {
        const path = `${r.path}.globalSecondaryIndexes[${i}]`;
        const gr = new EntryReader(g, path, problems);
        const gsiName = gr.string("name", "", { required: true });
        const pk = readKey(gr.object("partitionKey"), `${path}.partitionKey`, problems, true) ?? { name: "pk", type: "S" };
        const sk = readKey(gr.object("sortKey"), `${path}.sortKey`, problems, false);
        const projectionType = gr.string("projectionType", "ALL");
        const nonKeyAttributes = gr.strings("nonKeyAttributes");
        gr.finish();
        return { name: gsiName, partitionKey: pk, sortKey: sk, projectionType: projectionType as DynamoGsiConfig["projectionType"], nonKeyAttributes };
    });
    const ttlAttribute = r.optionalString("ttlAttribute");
    const billingMode = r.string("billingMode", "PAY_PER_REQUEST");
    const readCapacity = r.optionalNumber("readCapacity");
    const writeCapacity = r.optionalNumber("writeCapacity");
    const streamView = r.optionalString("streamView");
    const contributorInsights = r.boolean("contributorInsights", false);
    r.finish();
    const table: DynamoTableConfig = {
        name,
        partitionKey,
        sortKey,
        globalSecondaryIndexes: gsis,
        ttlAttribute,
        billingMode: billingMode as DynamoTableConfig["billingMode"],
        readCapacity,
        writeCapacity,
        streamView: streamView as DynamoTableConfig["streamView"],
        contributorInsights,
    };
    // DynamoDB's rules are DataTier's own (names, key types, GSI projections, capacities, TTL
    // type, stream view): applied here, under the config keys, so the component never rejects a
    // table config accepted.
    validateTable(COMPONENT_NAMES.data, table, r.path, problems);
    return table;
}

function readSubscription(r: EntryReader, problems: Problems): EventSubscriptionConfig {
    const s: EventSubscriptionConfig = {
        name: r.string("name", "", { required: true }),
        consumer: r.string("consumer", "", { required: true }),
        sources: r.strings("sources", { required: true }),
        detailTypes: r.strings("detailTypes", { required: true }),
        detailFilter: r.object("detailFilter"),
        fifo: r.boolean("fifo", false),
        maxReceiveCount: r.number("maxReceiveCount", 5),
        visibilityTimeoutSeconds: r.number("visibilityTimeoutSeconds", 60),
        retentionSeconds: r.number("retentionSeconds", 345_600),
        dlqRetentionSeconds: r.number("dlqRetentionSeconds", 1_209_600),
        maxEventAgeSeconds: r.number("maxEventAgeSeconds", 3_600),
        maxRetryAttempts: r.number("maxRetryAttempts", 8),
        backlogPerTask: r.number("backlogPerTask", 100),
    };
    r.finish();
    const key = (field: string) => `${r.path}.${field}`;
    problems.check(
        DNS_LABEL.test(s.name) && s.name.length <= 40,
        key("name"),
        s.name,
        "must be 1-40 lowercase letters, digits and hyphens, starting with a letter (it names the queue and rule)",
        "rename the subscription",
    );
    problems.check(
        s.maxReceiveCount >= 1 && s.maxReceiveCount <= LIMITS.sqsMaxReceiveCountMax,
        key("maxReceiveCount"),
        s.maxReceiveCount,
        `must be 1-${LIMITS.sqsMaxReceiveCountMax} (SQS redrive policy)`,
        "use e.g. 5",
    );
    problems.check(
        s.visibilityTimeoutSeconds >= 0 && s.visibilityTimeoutSeconds <= LIMITS.sqsVisibilityMax,
        key("visibilityTimeoutSeconds"),
        s.visibilityTimeoutSeconds,
        `must be 0-${LIMITS.sqsVisibilityMax} seconds`,
        "use e.g. 60",
    );
    problems.check(
        s.retentionSeconds >= LIMITS.sqsRetentionMin && s.retentionSeconds <= LIMITS.sqsRetentionMax,
        key("retentionSeconds"),
        s.retentionSeconds,
        `must be ${LIMITS.sqsRetentionMin}-${LIMITS.sqsRetentionMax} seconds`,
        "use e.g. 345600 (4 days)",
    );
    problems.check(
        s.dlqRetentionSeconds >= LIMITS.sqsRetentionMin && s.dlqRetentionSeconds <= LIMITS.sqsRetentionMax,
        key("dlqRetentionSeconds"),
        s.dlqRetentionSeconds,
        `must be ${LIMITS.sqsRetentionMin}-${LIMITS.sqsRetentionMax} seconds`,
        "use 1209600 (14 days)",
    );
    problems.check(
        s.dlqRetentionSeconds > s.retentionSeconds,
        key("dlqRetentionSeconds"),
        s.dlqRetentionSeconds,
        `must exceed retentionSeconds (${s.retentionSeconds}): a dead-lettered message keeps its original enqueue time and would expire early`,
        "raise dlqRetentionSeconds or lower retentionSeconds",
    );
    problems.check(
        s.maxEventAgeSeconds >= LIMITS.eventMaxAgeMin && s.maxEventAgeSeconds <= LIMITS.eventMaxAgeMax,
        key("maxEventAgeSeconds"),
        s.maxEventAgeSeconds,
        `must be ${LIMITS.eventMaxAgeMin}-${LIMITS.eventMaxAgeMax} seconds (EventBridge retry policy)`,
        "use e.g. 3600",
    );
    problems.check(
        s.maxRetryAttempts >= 0 && s.maxRetryAttempts <= LIMITS.eventMaxRetryAttempts,
        key("maxRetryAttempts"),
        s.maxRetryAttempts,
        `must be 0-${LIMITS.eventMaxRetryAttempts} (EventBridge retry policy)`,
        "use e.g. 8",
    );
    problems.check(s.backlogPerTask >= 1, key("backlogPerTask"), s.backlogPerTask, "must be >= 1 message per task", "use e.g. 100");
    return s;
}

function readUsagePlan(r: EntryReader, problems: Problems, stageRate: number, stageBurst: number, hasScopes: boolean): UsagePlanConfig {
    const scopes = r.strings("scopes");
    const u: UsagePlanConfig = {
        name: r.string("name", "", { required: true }),
        consumers: r.strings("consumers", { required: true }),
        services: r.strings("services"),
        asyncEvents: r.boolean("asyncEvents", false),
        ...(hasScopes ? { scopes } : {}),
        rateLimit: r.number("rateLimit", 0, { required: true }),
        burstLimit: r.number("burstLimit", 0, { required: true }),
        quotaPerDay: r.optionalNumber("quotaPerDay"),
    };
    r.finish();
    const key = (field: string) => `${r.path}.${field}`;
    problems.check(DNS_LABEL.test(u.name) && u.name.length <= 40, key("name"), u.name, "must be 1-40 lowercase letters, digits and hyphens", "rename the plan");
    problems.check(u.rateLimit >= 1 && u.rateLimit <= stageRate, key("rateLimit"), u.rateLimit, `must be 1 to the stage limit (${stageRate})`, "lower the plan's rate limit");
    problems.check(
        u.burstLimit >= 1 && u.burstLimit <= stageBurst,
        key("burstLimit"),
        u.burstLimit,
        `must be 1 to the stage burst (${stageBurst})`,
        "lower the plan's burst limit",
    );
    if (u.quotaPerDay !== undefined) {
        problems.check(u.quotaPerDay >= 1, key("quotaPerDay"), u.quotaPerDay, "must be >= 1 request per day", "remove it for no quota");
    }
    u.consumers.forEach((c, i) =>
        problems.check(DNS_LABEL.test(c) && c.length <= 64, `${key("consumers")}[${i}]`, c, "must be a lowercase consumer name (letters, digits, hyphens)", "rename the consumer"),
    );
    return u;
}

import { Problem } from "./problems";

/**
 * The typed, validated platform configuration: what `loadPlatformConfig()` returns after reading
 * every `platform:*` key, applying the environment profile and validating it all at once.
 * Components never read config themselves; `program.ts` turns this object into component args.
 */

export type Environment = "dev" | "staging" | "prod";
export const ENVIRONMENTS: readonly Environment[] = ["dev", "staging", "prod"];

export type NatStrategy = "None" | "Single" | "OnePerAz";
export const NAT_STRATEGIES: readonly NatStrategy[] = ["None", "Single", "OnePerAz"];

export type DataKind = "sql" | "nosql";

/** Event `Source` the API's async route (POST /events/{detailType}) stamps on every event it puts on the bus. */
export const API_EVENT_SOURCE = "platform.api";
export type CacheEngine = "valkey" | "redis";
export type CognitoMfa = "OFF" | "OPTIONAL" | "ON";
export type CdnPriceClass = "PriceClass_100" | "PriceClass_200" | "PriceClass_All";
export type CdnMinimumProtocol = "TLSv1.2_2021" | "TLSv1.2_2025" | "TLSv1.3_2025";
export type GeoRestrictionType = "none" | "whitelist" | "blacklist";
export type DynamoKeyType = "S" | "N" | "B";
export type DynamoStreamView = "NEW_IMAGE" | "OLD_IMAGE" | "NEW_AND_OLD_IMAGES" | "KEYS_ONLY";

/** How a service is exposed through the public API (SecureApi). */
export interface ServiceApiConfig {
    /** First path segment of the service's routes, e.g. `orders` for `/orders/{proxy+}`. */
    readonly basePath: string;
    /** OAuth scopes (`<resource-server>/<scope>` short names) a token must carry for these routes. */
    readonly scopes: readonly string[];
    /** Paths under basePath reachable without a token (e.g. `health`). Empty by default. */
    readonly publicPaths: readonly string[];
    /** Stage cache TTL for GET routes; 0 disables caching for this service. */
    readonly cacheTtlSeconds: number;
    /** Per-route throttling override (requests per second), below the stage limit. */
    readonly rateLimit?: number;
    /** Per-route burst override, below the stage burst. */
    readonly burstLimit?: number;
}

export interface ServiceConfig {
    readonly name: string;
    readonly image: string;
    readonly port: number;
    /** Fargate task CPU units (256 = 0.25 vCPU). */
    readonly cpu: number;
    /** Fargate task memory (MiB), a valid pair with cpu. */
    readonly memory: number;
    readonly hostPatterns: readonly string[];
    readonly pathPatterns: readonly string[];
    /** Listener rule priority: explicit, so adding or removing another service never renumbers this one. */
    readonly priority: number;
    readonly healthCheckPath: string;
    readonly minCount: number;
    readonly maxCount: number;
    readonly cpuTargetPercent: number;
    readonly memoryTargetPercent: number;
    readonly requestsPerTarget: number;
    readonly deregistrationDelaySeconds: number;
    readonly readonlyRootFilesystem: boolean;
    readonly environment: Readonly<Record<string, string>>;
    /** Whether the service reads and writes the DataTier (grants + SG ingress on the database). */
    readonly usesDatabase: boolean;
    /** Whether the service uses the CacheTier (AUTH secret read + SG ingress on the cache). */
    readonly usesCache: boolean;
    /** Extra Secrets Manager secret ARNs the task role may read. */
    readonly secretArns: readonly string[];
    /**
     * Customer-managed KMS keys that encrypt those secrets: the task role may use them for
     * kms:Decrypt through Secrets Manager of the stack's Region only.
     */
    readonly kmsKeyArns: readonly string[];
    /**
     * Event `Source` values the service puts on the bus: its task role gets events:PutEvents on the
     * bus with the condition events:source = these values. Empty: the service puts no events.
     */
    readonly publishes: readonly string[];
    /** Whether the service publishes to the SNS fan-out topic (sns:Publish on it, the key through SNS). */
    readonly publishesNotifications: boolean;
    /** Set when the service is exposed through the API. */
    readonly api?: ServiceApiConfig;
}

export interface EventSubscriptionConfig {
    readonly name: string;
    /** The service that consumes the queue (gets the grant and backlog scaling). */
    readonly consumer: string;
    readonly sources: readonly string[];
    readonly detailTypes: readonly string[];
    /** Extra EventBridge pattern fields under `detail`, e.g. `{ "status": ["PAID"] }`. */
    readonly detailFilter?: Readonly<Record<string, unknown>>;
    readonly fifo: boolean;
    readonly maxReceiveCount: number;
    readonly visibilityTimeoutSeconds: number;
    readonly retentionSeconds: number;
    readonly dlqRetentionSeconds: number;
    readonly maxEventAgeSeconds: number;
    readonly maxRetryAttempts: number;
    /** Target backlog (visible messages) per running consumer task. */
    readonly backlogPerTask: number;
}

export interface DynamoKey {
    readonly name: string;
    readonly type: DynamoKeyType;
}

export interface DynamoGsiConfig {
    readonly name: string;
    readonly partitionKey: DynamoKey;
    readonly sortKey?: DynamoKey;
    readonly projectionType: "ALL" | "KEYS_ONLY" | "INCLUDE";
    readonly nonKeyAttributes: readonly string[];
}

export interface DynamoTableConfig {
    readonly name: string;
    readonly partitionKey: DynamoKey;
    readonly sortKey?: DynamoKey;
    readonly globalSecondaryIndexes: readonly DynamoGsiConfig[];
    readonly ttlAttribute?: string;
    readonly billingMode: "PAY_PER_REQUEST" | "PROVISIONED";
    readonly readCapacity?: number;
    readonly writeCapacity?: number;
    readonly streamView?: DynamoStreamView;
    readonly contributorInsights: boolean;
}

/** An API path the CDN caches with its own TTL (`platform:cdnApiCachePaths` entry). */
export interface CdnApiCachePathConfig {
    /** CloudFront path pattern below the API's `/<apiBasePath>/*`, e.g. `/v1/catalog/*`. */
    readonly pathPattern: string;
    /** Edge TTL of GET/HEAD responses on the path (0-3600 s; 0 = not cached). */
    readonly ttlSeconds: number;
}

export interface UsagePlanConfig {
    readonly name: string;
    /** Each consumer gets an API key and its own client-credentials app client. */
    readonly consumers: readonly string[];
    /** Exposed services the plan covers: only their protected methods require an API key. */
    readonly services: readonly string[];
    /** The plan covers the async route (POST /events/{detailType} then requires an API key). */
    readonly asyncEvents: boolean;
    /** Scopes of the consumers' app clients; undefined: the covered services' (and async route's) scopes. */
    readonly scopes?: readonly string[];
    readonly rateLimit: number;
    readonly burstLimit: number;
    readonly quotaPerDay?: number;
}

export interface PlatformConfig {
    readonly project: string;
    readonly environment: Environment;
    readonly region: string;
    readonly protectStatefulResources: boolean;
    readonly deletionProtection: boolean;
    readonly requireMultiAz: boolean;
    /**
     * What would be an error under requireMultiAz, when it is off (dev): single NAT gateway, one
     * Aurora instance, a single-AZ cache, services with one task. Logged as warnings, never dropped.
     */
    readonly advisories: readonly Problem[];
    readonly logRetentionDays: number;
    readonly kmsDeletionWindowDays: number;
    readonly alarmEmails: readonly string[];

    readonly network: {
        readonly cidrBlock: string;
        readonly availabilityZoneCount: number;
        readonly natStrategy: NatStrategy;
        readonly publicSubnetMask: number;
        readonly privateSubnetMask: number;
        readonly isolatedSubnetMask: number;
        readonly flowLogRetentionDays: number;
        readonly reservedCidrs: readonly string[];
        readonly albIngressCidrs: readonly string[];
    };

    readonly dns: {
        readonly publicZoneName: string;
        readonly privateZoneName: string;
        readonly albCertificateDomain: string;
        readonly ttl: {
            readonly databaseWriter: number;
            readonly databaseReader: number;
            readonly cachePrimary: number;
            readonly cacheReader: number;
        };
    };

    readonly services: readonly ServiceConfig[];

    readonly data: {
        readonly kind: DataKind;
        readonly sql: {
            readonly engineVersion: string;
            readonly instanceClass: string;
            readonly instanceCount: number;
            readonly minCapacity: number;
            readonly maxCapacity: number;
            readonly readerMaxCount: number;
            readonly backupRetentionDays: number;
            readonly performanceInsightsRetentionDays: number;
            readonly monitoringIntervalSeconds: number;
            readonly databaseName: string;
        };
        readonly nosql: {
            readonly tables: readonly DynamoTableConfig[];
        };
    };

    readonly cache: {
        readonly enabled: boolean;
        readonly engine: CacheEngine;
        readonly engineVersion: string;
        readonly nodeType: string;
        readonly nodeCount: number;
        readonly multiAz: boolean;
        readonly snapshotRetentionDays: number;
        readonly replicationGroupId: string;
    };

    readonly events: {
        readonly enabled: boolean;
        readonly archiveRetentionDays: number;
        readonly notificationsEnabled: boolean;
        readonly subscriptions: readonly EventSubscriptionConfig[];
    };

    readonly api: {
        readonly stageName: string;
        readonly rateLimit: number;
        readonly burstLimit: number;
        readonly domainName?: string;
        readonly basePath: string;
        readonly mtlsTruststoreFile?: string;
        readonly wafRateLimit: number;
        readonly cognitoMfa: CognitoMfa;
        readonly callbackUrls: readonly string[];
        readonly usagePlans: readonly UsagePlanConfig[];
        readonly cacheSizeGb?: string;
        readonly cdnOnly: boolean;
        readonly asyncEventsEnabled: boolean;
        /** Cognito domain prefix; undefined: `<project>-<environment>-<account id>` (resolved at deploy time). */
        readonly authDomainPrefix?: string;
        /** Manage the Region's API Gateway CloudWatch Logs role (aws.apigateway.Account) in this stack. */
        readonly manageAccountLogsRole: boolean;
    };

    readonly cdn: {
        readonly enabled: boolean;
        readonly aliases: readonly string[];
        readonly priceClass: CdnPriceClass;
        readonly minimumProtocolVersion: CdnMinimumProtocol;
        readonly geoRestrictionType: GeoRestrictionType;
        readonly geoRestrictionLocations: readonly string[];
        readonly contentSecurityPolicy: string;
        readonly apiCacheTtlSeconds: number;
        readonly apiCachePaths: readonly CdnApiCachePathConfig[];
        readonly wafRateLimit: number;
    };
}

/**
 * PrivateDns: the private hosted zone services use to reach the database, the cache and the
 * internal ALB, with TTLs chosen per endpoint for how fast that endpoint can move (DNS caching
 * policy):
 *
 *   db.<zone>        CNAME -> Aurora writer endpoint     5 s  the writer endpoint's own TTL is 5 s and
 *                                                            it moves to the new writer on failover
 *   db-ro.<zone>     CNAME -> Aurora reader endpoint    30 s  readers come and go with auto scaling,
 *                                                            but the reader endpoint itself is stable
 *   cache.<zone>     CNAME -> cache primary endpoint     5 s  failover repoints the primary's DNS
 *   cache-ro.<zone>  CNAME -> cache reader endpoint     30 s  stable name over the replicas
 *   alb.<zone>, <service>.<zone>
 *                    A alias -> internal ALB          (60 s)  alias records have no TTL of their own:
 *                                                            Route 53 answers with the ALB's TTL (60 s)
 *
 * A record only helps if clients re-resolve: the JVM must set `networkaddress.cache.ttl` (it caches
 * forever with a security manager, 30 s otherwise), Node.js does not cache DNS unless a library
 * adds it, and connection pools resolve again only when they reconnect (so pools should recycle
 * connections on errors and have a max lifetime).
 *
 * A DynamoDB data tier (nosql) has no endpoint record: clients use the Regional DynamoDB endpoint
 * (or a VPC endpoint), which AWS's own DNS serves. Leave `database` unset then.
 *
 * TLS: CNAME and alias names are not on the endpoints' certificates. Clients that verify host
 * names (they should) must connect with the certificate's name as SNI / servername (the cache's
 * secret carries the real endpoint), or the zone must be a subdomain the certificate covers.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Problems } from "../config/problems";
import { DNS_LABEL, isDomainName } from "../lib/naming";

/** TTLs (seconds) of the plain records. */
export interface PrivateDnsTtls {
    /**
     * TTL of `db.<zone>`, 1-30: the writer endpoint moves on failover and its own TTL is 5 s.
     * @default 5
     */
    readonly databaseWriter?: number;
    /**
     * TTL of `db-ro.<zone>`, 1-300.
     * @default 30
     */
    readonly databaseReader?: number;
    /**
     * TTL of `cache.<zone>`, 1-30: failover repoints the primary endpoint's DNS.
     * @default 5
     */
    readonly cachePrimary?: number;
    /**
     * TTL of `cache-ro.<zone>`, 1-300.
     * @default 30
     */
    readonly cacheReader?: number;
}

/** Database endpoints (Aurora). */
export interface PrivateDnsDatabaseTargets {
    /** Cluster (writer) endpoint. */
    readonly writerEndpoint: pulumi.Input<string>;
    /**
     * Reader endpoint.
     * @default no `db-ro` record
     */
    readonly readerEndpoint?: pulumi.Input<string>;
}

/** Cache endpoints (ElastiCache, cluster mode disabled). */
export interface PrivateDnsCacheTargets {
    /** Primary endpoint. */
    readonly primaryEndpoint: pulumi.Input<string>;
    /**
     * Reader endpoint.
     * @default no `cache-ro` record
     */
    readonly readerEndpoint?: pulumi.Input<string>;
}

/** The internal ALB and the services behind it. */
export interface PrivateDnsAlbTargets {
    /** The ALB's DNS name. */
    readonly dnsName: pulumi.Input<string>;
    /** The ALB's canonical hosted zone id. */
    readonly zoneId: pulumi.Input<string>;
    /**
     * Services that get `<service>.<zone>` (DNS labels; must not be db, db-ro, cache, cache-ro or alb).
     * @default no service records, only `alb.<zone>`
     */
    readonly serviceNames?: readonly string[];
}

export interface PrivateDnsArgs {
    /** Zone name, a lowercase domain such as `platform.internal`. */
    readonly zoneName: string;
    /** VPC the zone is attached to (the Network component's `vpcId`). */
    readonly vpcId: pulumi.Input<string>;
    /**
     * Zone comment.
     * @default "Private names of the platform's database, cache and internal ALB"
     */
    readonly comment?: pulumi.Input<string>;
    /**
     * Record TTLs.
     * @default writer 5, reader 30, cache primary 5, cache reader 30
     */
    readonly ttl?: PrivateDnsTtls;
    /**
     * Database endpoints; creates `db` (and `db-ro`). Leave unset for DynamoDB.
     * @default no database records
     */
    readonly database?: PrivateDnsDatabaseTargets;
    /**
     * Cache endpoints; creates `cache` (and `cache-ro`).
     * @default no cache records
     */
    readonly cache?: PrivateDnsCacheTargets;
    /**
     * Internal ALB; creates `alb` and one alias per service.
     * @default no ALB records
     */
    readonly alb?: PrivateDnsAlbTargets;
}

/** Secure defaults, in one place. */
export const PRIVATE_DNS_DEFAULTS = {
    ttl: { databaseWriter: 5, databaseReader: 30, cachePrimary: 5, cacheReader: 30 },
    comment: "Private names of the platform's database, cache and internal ALB",
} as const;

/** TTL bounds: every record 1-300 s; names of endpoints that move on failover at most 30 s. */
export const PRIVATE_DNS_TTL_LIMITS = { min: 1, max: 300, failoverMax: 30 } as const;

/** First labels the component uses itself; services cannot take them. */
export const RESERVED_LABELS: readonly string[] = ["db", "db-ro", "cache", "cache-ro", "alb"];

/** The names the zone serves, known before any record exists (pass them to services as environment). */
export interface PrivateDnsNames {
    readonly zone: string;
    readonly databaseWriter: string;
    readonly databaseReader: string;
    readonly cachePrimary: string;
    readonly cacheReader: string;
    readonly alb: string;
    readonly service: (serviceName: string) => string;
}

export function privateDnsNames(zoneName: string): PrivateDnsNames {
    return {
        zone: zoneName,
        databaseWriter: `db.${zoneName}`,
        databaseReader: `db-ro.${zoneName}`,
        cachePrimary: `cache.${zoneName}`,
        cacheReader: `cache-ro.${zoneName}`,
        alb: `alb.${zoneName}`,
        service: (serviceName: string) => `${serviceName}.${zoneName}`,
    };
}

/** FQDNs of the records the component created. */
export interface PrivateDnsRecords {
    readonly databaseWriter?: string;
    readonly databaseReader?: string;
    readonly cachePrimary?: string;
    readonly cacheReader?: string;
    readonly alb?: string;
    /** Service name -> FQDN. */
    readonly services: Readonly<Record<string, string>>;
}

type TtlName = keyof PrivateDnsTtls;
const TTL_NAMES: readonly TtlName[] = ["databaseWriter", "databaseReader", "cachePrimary", "cacheReader"];
const FAILOVER_TTLS: readonly TtlName[] = ["databaseWriter", "cachePrimary"];

/** Effective TTLs (defaults merged with `??`). */
export function privateDnsTtls(ttl: PrivateDnsTtls | undefined): Required<PrivateDnsTtls> {
    const d = PRIVATE_DNS_DEFAULTS.ttl;
    return {
        databaseWriter: ttl?.databaseWriter ?? d.databaseWriter,
        databaseReader: ttl?.databaseReader ?? d.databaseReader,
        cachePrimary: ttl?.cachePrimary ?? d.cachePrimary,
        cacheReader: ttl?.cacheReader ?? d.cacheReader,
    };
}

/** Validates PrivateDns arguments. Pure; collects every problem. */
export function validatePrivateDnsArgs(args: PrivateDnsArgs): Problems {
    const problems = new Problems();
    const k = (field: string) => `PrivateDnsArgs.${field}`;
    const { min, max, failoverMax } = PRIVATE_DNS_TTL_LIMITS;

    const zoneOk = problems.check(
        isDomainName(args.zoneName) && args.zoneName.includes("."),
        k("zoneName"),
        args.zoneName,
        "must be a lowercase domain of at least two labels such as platform.internal",
        "set the zone name to e.g. platform.internal",
    );

    const ttls = privateDnsTtls(args.ttl);
    for (const field of TTL_NAMES) {
        const value = ttls[field];
        const failover = FAILOVER_TTLS.includes(field);
        const upper = failover ? failoverMax : max;
        problems.check(
            Number.isInteger(value) && value >= min && value <= upper,
            k(`ttl.${field}`),
            value,
            failover
                ? `must be an integer from ${min} to ${upper} seconds: the endpoint moves on failover, and clients keep using the old address for up to one TTL`
                : `must be an integer from ${min} to ${upper} seconds`,
            failover ? `use ${PRIVATE_DNS_DEFAULTS.ttl[field]}, and never more than ${failoverMax}` : `use ${PRIVATE_DNS_DEFAULTS.ttl[field]}`,
        );
    }

    const services = args.alb?.serviceNames ?? [];
    services.forEach((service, i) => {
        const key = k(`alb.serviceNames[${i}]`);
        if (
            !problems.check(
                DNS_LABEL.test(service) && service.length <= 63,
                key,
                service,
                "must be a DNS label: lowercase letters, digits and hyphens, starting with a letter, at most 63 characters",
                "use the service's name",
            )
        ) {
            return;
        }
        problems.check(!RESERVED_LABELS.includes(service), key, service, `must not be one of the component's own names (${RESERVED_LABELS.join(", ")})`, "rename the service");
        problems.check(services.indexOf(service) === i, key, service, "must be unique (one alias record per service)", "remove the duplicate");
        // Only meaningful under a valid zone name (otherwise the zone problem already says it all).
        if (zoneOk) {
            problems.check(
                isDomainName(`${service}.${args.zoneName}`),
                key,
                service,
                `must give a valid domain name under ${args.zoneName} (at most 253 characters)`,
                "shorten the service or zone name",
            );
        }
    });
    return problems;
}

export class PrivateDns extends pulumi.ComponentResource {
    public readonly zoneId: pulumi.Output<string>;
    public readonly zoneName: string;
    /** Static names (known before the records exist). */
    public readonly names: PrivateDnsNames;
    /** FQDNs of the records created. */
    public readonly records: pulumi.Output<PrivateDnsRecords>;

    constructor(name: string, args: PrivateDnsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:dns:PrivateDns", name, {}, opts);
        validatePrivateDnsArgs(args).throwIfAny(`PrivateDns ${name}`);

        const ttl = privateDnsTtls(args.ttl);
        const names = privateDnsNames(args.zoneName);

        // The VPC association is inline: a private zone needs one at creation, and inline `vpcs`
        // conflicts with aws.route53.ZoneAssociation (add further VPCs here, not with that resource).
        const zone = new aws.route53.Zone(
            `${name}-zone`,
            { name: args.zoneName, comment: args.comment ?? PRIVATE_DNS_DEFAULTS.comment, vpcs: [{ vpcId: args.vpcId }], forceDestroy: false },
            { parent: this },
        );

        const cname = (suffix: string, recordName: string, target: pulumi.Input<string>, seconds: number) =>
            new aws.route53.Record(`${name}-${suffix}`, { zoneId: zone.zoneId, name: recordName, type: "CNAME", ttl: seconds, records: [target] }, { parent: this }).fqdn;
        // Alias records take no TTL: Route 53 answers with the target's (the ALB's is 60 s).
        const alias = (suffix: string, recordName: string, alb: PrivateDnsAlbTargets) =>
            new aws.route53.Record(
                `${name}-${suffix}`,
                { zoneId: zone.zoneId, name: recordName, type: "A", aliases: [{ name: alb.dnsName, zoneId: alb.zoneId, evaluateTargetHealth: true }] },
                { parent: this },
            ).fqdn;

        const db = args.database;
        const cache = args.cache;
        const alb = args.alb;
        const fqdns = {
            databaseWriter: db ? cname("db", names.databaseWriter, db.writerEndpoint, ttl.databaseWriter) : undefined,
            databaseReader: db?.readerEndpoint !== undefined ? cname("db-ro", names.databaseReader, db.readerEndpoint, ttl.databaseReader) : undefined,
            cachePrimary: cache ? cname("cache", names.cachePrimary, cache.primaryEndpoint, ttl.cachePrimary) : undefined,
            cacheReader: cache?.readerEndpoint !== undefined ? cname("cache-ro", names.cacheReader, cache.readerEndpoint, ttl.cacheReader) : undefined,
            alb: alb ? alias("alb", names.alb, alb) : undefined,
        };
        const services: Record<string, pulumi.Output<string>> = {};
        if (alb) {
            for (const service of alb.serviceNames ?? []) {
                services[service] = alias(`svc-${service}`, names.service(service), alb);
            }
        }

        this.zoneId = zone.zoneId;
        this.zoneName = args.zoneName;
        this.names = names;
        // Only the records that exist appear in the output.
        this.records = pulumi.output({ ...fqdns, services }).apply((r) => {
            const out: { -readonly [K in keyof PrivateDnsRecords]: PrivateDnsRecords[K] } = { services: r.services };
            for (const key of ["databaseWriter", "databaseReader", "cachePrimary", "cacheReader", "alb"] as const) {
                const value = r[key];
                if (value !== undefined) {
                    out[key] = value;
                }
            }
            return out;
        });

        this.registerOutputs({ zoneId: this.zoneId, zoneName: this.zoneName, records: this.records });
    }
}

import * as assert from "assert";
import { PrivateDns, PrivateDnsArgs, privateDnsNames, validatePrivateDnsArgs } from "../../components/private-dns";
import { ValidationError, formatProblem } from "../../config/problems";
import { shortHash } from "../../engine/mocks";
import { DNS_FIXTURE, privateDnsFullArgs, privateDnsMinimalArgs } from "../fixtures/private-dns";
import { Recorded, record, resolveOutput } from "../support/harness";

const ZONE = "aws:route53/zone:Zone";
const RECORD = "aws:route53/record:Record";
/** The zone id the mock engine gives the zone of a PrivateDns named `dns` (engine/mocks.ts outputsFor). */
const ZONE_ID = `Z${shortHash(`${ZONE}::dns-zone`, 12).toUpperCase()}`;

const build = (args: PrivateDnsArgs) => record(() => new PrivateDns("dns", args));
const messages = (args: PrivateDnsArgs) => validatePrivateDnsArgs(args).list.map(formatProblem);

const cname = (name: string, ttl: number, target: string) => ({ zoneId: ZONE_ID, name, type: "CNAME", ttl, records: [target] });
const albAlias = (name: string) => ({
    zoneId: ZONE_ID,
    name,
    type: "A",
    aliases: [{ name: DNS_FIXTURE.albDnsName, zoneId: DNS_FIXTURE.albZoneId, evaluateTargetHealth: true }],
});

describe("PrivateDns", () => {
    let full: { value: PrivateDns; resources: Recorded };
    before(async () => {
        full = await build(privateDnsFullArgs);
    });

    describe("zone", () => {
        it("is a private zone attached to the VPC, never force-destroyed", () => {
            assert.deepStrictEqual(full.resources.one(ZONE, "dns-zone").inputs, {
                name: "platform.internal",
                comment: "Private names of the platform's database, cache and internal ALB",
                vpcs: [{ vpcId: DNS_FIXTURE.vpcId }],
                forceDestroy: false,
            });
        });

        it("with every target: one zone and seven records, all children of the component", () => {
            assert.deepStrictEqual(full.resources.countByType(), { "pulumi:pulumi:Stack": 1, "platform:dns:PrivateDns": 1, [ZONE]: 1, [RECORD]: 7 });
            const component = full.resources.one("platform:dns:PrivateDns");
            assert.strictEqual(full.resources.childrenOf(component).length, 8);
        });
    });

    describe("records (default TTLs)", () => {
        it("db: CNAME to the writer endpoint, TTL 5", () => {
            assert.deepStrictEqual(full.resources.one(RECORD, "dns-db").inputs, cname("db.platform.internal", 5, DNS_FIXTURE.dbWriter));
        });

        it("db-ro: CNAME to the reader endpoint, TTL 30", () => {
            assert.deepStrictEqual(full.resources.one(RECORD, "dns-db-ro").inputs, cname("db-ro.platform.internal", 30, DNS_FIXTURE.dbReader));
        });

        it("cache: CNAME to the primary endpoint, TTL 5", () => {
            assert.deepStrictEqual(full.resources.one(RECORD, "dns-cache").inputs, cname("cache.platform.internal", 5, DNS_FIXTURE.cachePrimary));
        });

        it("cache-ro: CNAME to the reader endpoint, TTL 30", () => {
            assert.deepStrictEqual(full.resources.one(RECORD, "dns-cache-ro").inputs, cname("cache-ro.platform.internal", 30, DNS_FIXTURE.cacheReader));
        });

        it("alb and one record per service: A aliases to the ALB with target health, no TTL", () => {
            assert.deepStrictEqual(full.resources.one(RECORD, "dns-alb").inputs, albAlias("alb.platform.internal"));
            assert.deepStrictEqual(full.resources.one(RECORD, "dns-svc-orders").inputs, albAlias("orders.platform.internal"));
            assert.deepStrictEqual(full.resources.one(RECORD, "dns-svc-payments").inputs, albAlias("payments.platform.internal"));
            for (const r of full.resources.ofType(RECORD).filter((x) => x.inputs.type === "A")) {
                assert.ok(!("ttl" in r.inputs), `${r.name} must not set a TTL`);
            }
        });

        it("every CNAME has a TTL and exactly one target", () => {
            for (const r of full.resources.ofType(RECORD).filter((x) => x.inputs.type === "CNAME")) {
                assert.strictEqual(typeof r.inputs.ttl, "number", r.name);
                assert.strictEqual((r.inputs.records as unknown[]).length, 1, r.name);
            }
        });
    });

    describe("optional inputs decide which records exist", () => {
        it("no targets: the zone only, no records", async () => {
            const { value, resources } = await build(privateDnsMinimalArgs);
            assert.deepStrictEqual(resources.countByType(), { "pulumi:pulumi:Stack": 1, "platform:dns:PrivateDns": 1, [ZONE]: 1 });
            assert.deepStrictEqual(await resolveOutput(value.records), { services: {} });
        });

        it("database without a reader endpoint: db only", async () => {
            const { resources } = await build({ ...privateDnsMinimalArgs, database: { writerEndpoint: DNS_FIXTURE.dbWriter } });
            assert.deepStrictEqual(
                resources.ofType(RECORD).map((r) => r.name),
                ["dns-db"],
            );
        });

        it("cache only (DynamoDB data tier): cache and cache-ro, no database record", async () => {
            const { resources } = await build({ ...privateDnsMinimalArgs, cache: { primaryEndpoint: DNS_FIXTURE.cachePrimary, readerEndpoint: DNS_FIXTURE.cacheReader } });
            assert.deepStrictEqual(
                resources
                    .ofType(RECORD)
                    .map((r) => r.name)
                    .sort(),
                ["dns-cache", "dns-cache-ro"],
            );
        });

        it("ALB without services: alb only", async () => {
            const { resources } = await build({ ...privateDnsMinimalArgs, alb: { dnsName: DNS_FIXTURE.albDnsName, zoneId: DNS_FIXTURE.albZoneId } });
            assert.deepStrictEqual(
                resources.ofType(RECORD).map((r) => r.name),
                ["dns-alb"],
            );
        });

        it("explicit TTLs are used as given", async () => {
            const { resources } = await build({ ...privateDnsFullArgs, ttl: { databaseWriter: 1, databaseReader: 300, cachePrimary: 30, cacheReader: 60 } });
            assert.strictEqual(resources.one(RECORD, "dns-db").inputs.ttl, 1);
            assert.strictEqual(resources.one(RECORD, "dns-db-ro").inputs.ttl, 300);
            assert.strictEqual(resources.one(RECORD, "dns-cache").inputs.ttl, 30);
            assert.strictEqual(resources.one(RECORD, "dns-cache-ro").inputs.ttl, 60);
        });
    });

    describe("outputs and names", () => {
        it("zone id, zone name, static names and record FQDNs", async () => {
            assert.strictEqual(await resolveOutput(full.value.zoneId), ZONE_ID);
            assert.strictEqual(full.value.zoneName, "platform.internal");
            assert.strictEqual(full.value.names.cachePrimary, "cache.platform.internal");
            assert.deepStrictEqual(await resolveOutput(full.value.records), {
                databaseWriter: "db.platform.internal",
                databaseReader: "db-ro.platform.internal",
                cachePrimary: "cache.platform.internal",
                cacheReader: "cache-ro.platform.internal",
                alb: "alb.platform.internal",
                services: { orders: "orders.platform.internal", payments: "payments.platform.internal" },
            });
        });

        it("privateDnsNames gives every name without creating anything", () => {
            const names = privateDnsNames("example.internal");
            assert.deepStrictEqual(
                { ...names, service: names.service("orders") },
                {
                    zone: "example.internal",
                    databaseWriter: "db.example.internal",
                    databaseReader: "db-ro.example.internal",
                    cachePrimary: "cache.example.internal",
                    cacheReader: "cache-ro.example.internal",
                    alb: "alb.example.internal",
                    service: "orders.example.internal",
                },
            );
        });

        it("the records' names are the static names", () => {
            const names = privateDnsNames(DNS_FIXTURE.zoneName);
            const recordNames = full.resources
                .ofType(RECORD)
                .map((r) => r.inputs.name)
                .sort();
            assert.deepStrictEqual(
                recordNames,
                [names.databaseWriter, names.databaseReader, names.cachePrimary, names.cacheReader, names.alb, names.service("orders"), names.service("payments")].sort(),
            );
        });
    });

    describe("validation", () => {
        const one = (args: PrivateDnsArgs) => {
            const list = messages(args);
            assert.strictEqual(list.length, 1, list.join("\n"));
            return list[0];
        };

        it("the baselines validate", () => {
            assert.deepStrictEqual(messages(privateDnsFullArgs), []);
            assert.deepStrictEqual(messages(privateDnsMinimalArgs), []);
        });

        it("rejects a reader TTL below 1 or above 300, and accepts the bounds", () => {
            assert.strictEqual(
                one({ ...privateDnsFullArgs, ttl: { databaseReader: 0 } }),
                "PrivateDnsArgs.ttl.databaseReader = 0: must be an integer from 1 to 300 seconds. Fix: use 30",
            );
            assert.strictEqual(
                one({ ...privateDnsFullArgs, ttl: { cacheReader: 301 } }),
                "PrivateDnsArgs.ttl.cacheReader = 301: must be an integer from 1 to 300 seconds. Fix: use 30",
            );
            assert.deepStrictEqual(messages({ ...privateDnsFullArgs, ttl: { databaseReader: 1, cacheReader: 300 } }), []);
        });

        it("rejects writer and primary TTLs above 30 s (endpoints that move on failover)", () => {
            assert.strictEqual(
                one({ ...privateDnsFullArgs, ttl: { databaseWriter: 31 } }),
                "PrivateDnsArgs.ttl.databaseWriter = 31: must be an integer from 1 to 30 seconds: the endpoint moves on failover, and clients keep using the old address for up to one TTL. Fix: use 5, and never more than 30",
            );
            assert.strictEqual(
                one({ ...privateDnsFullArgs, ttl: { cachePrimary: 60 } }),
                "PrivateDnsArgs.ttl.cachePrimary = 60: must be an integer from 1 to 30 seconds: the endpoint moves on failover, and clients keep using the old address for up to one TTL. Fix: use 5, and never more than 30",
            );
            assert.match(one({ ...privateDnsFullArgs, ttl: { cachePrimary: 0 } }), /^PrivateDnsArgs\.ttl\.cachePrimary = 0: must be an integer from 1 to 30 seconds/);
        });

        it("rejects a non-integer TTL", () => {
            assert.strictEqual(
                one({ ...privateDnsFullArgs, ttl: { cacheReader: 2.5 } }),
                "PrivateDnsArgs.ttl.cacheReader = 2.5: must be an integer from 1 to 300 seconds. Fix: use 30",
            );
        });

        it("rejects a zone name that is not a lowercase domain of two or more labels", () => {
            for (const zoneName of ["Platform.Internal", "internal", "platform..internal", "-platform.internal", ""]) {
                assert.strictEqual(
                    one({ ...privateDnsMinimalArgs, zoneName }),
                    `PrivateDnsArgs.zoneName = ${JSON.stringify(zoneName)}: must be a lowercase domain of at least two labels such as platform.internal. Fix: set the zone name to e.g. platform.internal`,
                    zoneName,
                );
            }
        });

        it("rejects service names that are not DNS labels, reserved, or duplicated", () => {
            const alb = (serviceNames: string[]) => ({ ...privateDnsFullArgs, alb: { dnsName: DNS_FIXTURE.albDnsName, zoneId: DNS_FIXTURE.albZoneId, serviceNames } });
            assert.strictEqual(
                one(alb(["Orders"])),
                'PrivateDnsArgs.alb.serviceNames[0] = "Orders": must be a DNS label: lowercase letters, digits and hyphens, starting with a letter, at most 63 characters. Fix: use the service\'s name',
            );
            assert.strictEqual(
                one(alb(["cache"])),
                'PrivateDnsArgs.alb.serviceNames[0] = "cache": must not be one of the component\'s own names (db, db-ro, cache, cache-ro, alb). Fix: rename the service',
            );
            const longZone = Array.from({ length: 4 }, () => "z".repeat(61)).join(".");
            assert.strictEqual(
                one({ ...alb(["orders"]), zoneName: longZone }),
                `PrivateDnsArgs.alb.serviceNames[0] = "orders": must give a valid domain name under ${longZone} (at most 253 characters). Fix: shorten the service or zone name`,
            );
            assert.strictEqual(
                one(alb(["orders", "orders"])),
                'PrivateDnsArgs.alb.serviceNames[1] = "orders": must be unique (one alias record per service). Fix: remove the duplicate',
            );
        });

        it("the constructor throws one ValidationError with every problem", async () => {
            await assert.rejects(build({ ...privateDnsFullArgs, zoneName: "Bad", ttl: { databaseWriter: 60, databaseReader: 0 } }), (err: unknown) => {
                assert.ok(err instanceof ValidationError);
                assert.deepStrictEqual(
                    err.problems.map((p) => p.key),
                    ["PrivateDnsArgs.zoneName", "PrivateDnsArgs.ttl.databaseWriter", "PrivateDnsArgs.ttl.databaseReader"],
                );
                assert.match(err.message, /^PrivateDns dns: 3 problems found:/);
                return true;
            });
        });
    });
});

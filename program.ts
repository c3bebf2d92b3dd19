/**
 * The platform program: turns the validated configuration into components. Environment
 * differences arrive only through `config`; nothing here branches on the environment's name.
 *
 * Order follows the data flow and avoids cycles: keys and network first; then the stores (data,
 * cache, bus), whose security groups have no ingress of their own; then the services, which add
 * ingress on those groups from their own groups and receive the stores' grants as IAM statements;
 * then private DNS over the endpoints; then the API in front of the ALB and the bus; the CDN last.
 */
import * as aws from "@pulumi/aws";
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { API_EVENTS_SCOPE, integrationHost } from "./config/resolve";
import { API_EVENT_SOURCE, PlatformConfig, ServiceConfig } from "./config/types";
import { CacheTier, spreadOverAvailabilityZones } from "./components/cache-tier";
import { DataTier } from "./components/data-tier";
import { CLOUDFRONT_CONTROL_REGION, EdgeCdn } from "./components/edge-cdn";
import { EncryptionKeys } from "./components/encryption-keys";
import { EventBus } from "./components/event-bus";
import { AlarmTopic } from "./components/alarm-topic";
import { AlbServiceArgs, InternalAlbService } from "./components/internal-alb-service";
import { Network } from "./components/network";
import { PrivateDns, privateDnsNames } from "./components/private-dns";
import { SecureApi } from "./components/secure-api";
import { PolicyStatement, kmsViaService } from "./lib/iam";
import { defaultCognitoDomainPrefixStem } from "./lib/cognito";
import { COMPONENT_NAMES } from "./lib/naming";
import { registerDefaultTags } from "./lib/tags";

/** Stack outputs: what operators and other stacks need, nothing more. */
export interface PlatformOutputs {
    readonly [key: string]: unknown;
    readonly environment: string;
    readonly vpcId: pulumi.Output<string>;
    readonly privateSubnetIds: pulumi.Output<string[]>;
    readonly isolatedSubnetIds: pulumi.Output<string[]>;
    readonly keyArns: Record<string, pulumi.Output<string>>;
    readonly albDnsName: pulumi.Output<string>;
    readonly alarmTopicArn: pulumi.Output<string>;
    readonly apiUrl: pulumi.Output<string>;
    readonly userPoolId: pulumi.Output<string>;
    readonly privateZoneId: pulumi.Output<string>;
    readonly dataEndpoint: pulumi.Output<string>;
    readonly cacheEndpoint?: pulumi.Output<string>;
    readonly eventBusName?: pulumi.Output<string>;
    readonly cdnDomainName?: pulumi.Output<string>;
    readonly cdnDistributionId?: pulumi.Output<string>;
    /** Where the static site is uploaded (CloudFront serves it through OAC). */
    readonly cdnSiteBucketName?: pulumi.Output<string>;
    /** The us-east-1 topic CloudFront's alarms notify (subscribe pagers here too). */
    readonly cdnAlarmTopicArn?: pulumi.Output<string>;
}

/** Event source the API's async route stamps on events it puts on the bus (defined with the config, which validates producers). */
export { API_EVENT_SOURCE };

export interface CreatePlatformOptions {
    /** Directory of Pulumi.yaml; repository files (mTLS truststore) are read relative to it. */
    readonly projectDir?: string;
}

export function createPlatform(config: PlatformConfig, options: CreatePlatformOptions = {}): PlatformOutputs {
    const projectDir = options.projectDir ?? __dirname;
    registerDefaultTags({ environment: config.environment, project: config.project });
    const stackName = `${config.project}-${config.environment}`;

    const keys = new EncryptionKeys(COMPONENT_NAMES.keys, {
        region: config.region,
        aliasPrefix: stackName,
        deletionWindowInDays: config.kmsDeletionWindowDays,
        protect: config.protectStatefulResources,
    });

    const network = new Network(COMPONENT_NAMES.network, {
        cidrBlock: config.network.cidrBlock,
        availabilityZoneCount: config.network.availabilityZoneCount,
        natStrategy: config.network.natStrategy,
        subnetMasks: {
            public: config.network.publicSubnetMask,
            private: config.network.privateSubnetMask,
            isolated: config.network.isolatedSubnetMask,
        },
        region: config.region,
        logsKmsKeyArn: keys.keys.logs.arn,
        flowLogRetentionDays: config.network.flowLogRetentionDays,
    });

    const alarms = new AlarmTopic(COMPONENT_NAMES.alarms, { kmsKeyArn: keys.keys.messaging.arn, emails: config.alarmEmails });

    // The public zone must exist already (it is delegated from the registrar, not created here).
    const publicZoneId = aws.route53.getZoneOutput({ name: config.dns.publicZoneName, privateZone: false }).zoneId;
    const names = privateDnsNames(config.dns.privateZoneName);

    // --- stores ---------------------------------------------------------------------------------
    const sql = config.data.sql;
    const data = new DataTier(COMPONENT_NAMES.data, {
        kind: config.data.kind,
        dataKmsKeyArn: keys.keys.data.arn,
        protect: config.protectStatefulResources,
        deletionProtection: config.deletionProtection,
        sql:
            config.data.kind === "sql"
                ? {
                      vpcId: network.vpcId,
                      subnetIds: network.isolatedSubnetIds,
                      availabilityZoneCount: config.network.availabilityZoneCount,
                      // Writer in the first AZ, the failover reader in the second, further readers round-robin.
                      availabilityZoneNames: network.availabilityZoneNames,
                      logsKmsKeyArn: keys.keys.logs.arn,
                      clusterIdentifier: `${stackName}-${COMPONENT_NAMES.data}`,
                      engineVersion: sql.engineVersion,
                      instanceClass: sql.instanceClass,
                      instanceCount: sql.instanceCount,
                      ...(sql.instanceClass === "db.serverless" ? { minCapacity: sql.minCapacity, maxCapacity: sql.maxCapacity } : {}),
                      readerMaxCount: sql.readerMaxCount,
                      backupRetentionDays: sql.backupRetentionDays,
                      performanceInsightsRetentionDays: sql.performanceInsightsRetentionDays,
                      monitoringIntervalSeconds: sql.monitoringIntervalSeconds,
                      databaseName: sql.databaseName,
                      logRetentionDays: config.logRetentionDays,
                      // Services authenticate with IAM database auth; only operators (and a migration
                      // job) read the master secret.
                      grantMasterSecret: false,
                  }
                : undefined,
        nosql: config.data.kind === "nosql" ? { tables: config.data.nosql.tables } : undefined,
    });

    const cache = config.cache.enabled
        ? new CacheTier(COMPONENT_NAMES.cache, {
              vpcId: network.vpcId,
              subnetIds: network.privateSubnetIds,
              dataKeyArn: keys.keys.data.arn,
              logsKeyArn: keys.keys.logs.arn,
              engine: config.cache.engine,
              engineVersion: config.cache.engineVersion,
              nodeType: config.cache.nodeType,
              nodeCount: config.cache.nodeCount,
              automaticFailoverEnabled: config.cache.nodeCount >= 2,
              multiAzEnabled: config.cache.multiAz,
              // The primary in the first AZ, each replica in the next one.
              availabilityZones: spreadOverAvailabilityZones(network.availabilityZoneNames, config.cache.nodeCount),
              replicationGroupId: config.cache.replicationGroupId,
              snapshotRetentionDays: config.cache.snapshotRetentionDays,
              logRetentionDays: config.logRetentionDays,
              protect: config.protectStatefulResources,
          })
        : undefined;

    const events = config.events.enabled
        ? new EventBus(COMPONENT_NAMES.events, {
              messagingKmsKeyArn: keys.keys.messaging.arn,
              archiveRetentionDays: config.events.archiveRetentionDays,
              subscriptions: config.events.subscriptions.map(({ consumer: _consumer, backlogPerTask: _backlog, ...subscription }) => subscription),
              alarmTopicArn: alarms.topicArn,
              notifications: config.events.notificationsEnabled ? { subscriptions: config.events.subscriptions.filter((s) => !s.fifo).map((s) => s.name) } : undefined,
              protect: config.protectStatefulResources,
          })
        : undefined;

    // --- services -------------------------------------------------------------------------------
    const serviceArgs = (svc: ServiceConfig): AlbServiceArgs => {
        const statements: pulumi.Input<PolicyStatement[]>[] = [];
        const environment: Record<string, pulumi.Input<string>> = { ...svc.environment };
        const connectsTo: { securityGroupId: pulumi.Input<string>; port: number; description: string }[] = [];

        if (svc.usesDatabase) {
            statements.push(data.clientPolicyStatements);
            if (config.data.kind === "sql") {
                const iamUser = data.iamDatabaseUser;
                if (iamUser === undefined) {
                    throw new Error("unreachable: a sql DataTier always has an IAM database user");
                }
                // Clients connect to the private name (5 s TTL, follows failover) and verify TLS
                // against the real endpoint, which is what the server certificate names. The IAM
                // auth token is signed for the real endpoint too: "You cannot use a custom Route 53
                // DNS record instead of the DB instance endpoint to generate the authentication
                // token" (RDS/Aurora user guide, Connecting with IAM authentication).
                Object.assign(environment, {
                    DB_HOST: names.databaseWriter,
                    DB_READER_HOST: names.databaseReader,
                    DB_TLS_SERVER_NAME: data.endpoint,
                    DB_IAM_TOKEN_HOST: data.endpoint,
                    DB_READER_IAM_TOKEN_HOST: data.readerEndpoint,
                    DB_PORT: "5432",
                    DB_NAME: sql.databaseName,
                    DB_IAM_USER: iamUser,
                });
                connectsTo.push({
                    securityGroupId: data.securityGroupId.apply(requireDefined("data tier security group")),
                    port: 5432,
                    description: `${svc.name} to the database`,
                });
            } else {
                for (const table of config.data.nosql.tables) {
                    environment[`TABLE_${envName(table.name)}`] = data.tableNames.apply((t) => t[table.name]);
                }
            }
        }
        if (svc.usesCache && cache) {
            statements.push(cache.clientPolicyStatements);
            Object.assign(environment, {
                CACHE_HOST: names.cachePrimary,
                CACHE_READER_HOST: names.cacheReader,
                CACHE_TLS_SERVER_NAME: cache.primaryEndpoint,
                CACHE_PORT: cache.port.apply(String),
                CACHE_AUTH_SECRET_ARN: cache.authSecretArn,
            });
            connectsTo.push({ securityGroupId: cache.securityGroupId, port: 6379, description: `${svc.name} to the cache` });
        }
        if (svc.secretArns.length > 0) {
            // Config grants read access to named secrets; the app reads them at runtime.
            statements.push([{ Sid: "ReadConfiguredSecrets", Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: [...svc.secretArns] }]);
        }
        if (svc.kmsKeyArns.length > 0) {
            // Secrets under a customer-managed key also need Decrypt on that key, and only through
            // Secrets Manager of this Region (config validation requires secretArns alongside).
            statements.push([
                {
                    Sid: "DecryptConfiguredSecrets",
                    Effect: "Allow",
                    Action: ["kms:Decrypt"],
                    Resource: [...svc.kmsKeyArns],
                    Condition: { StringEquals: { "kms:ViaService": kmsViaService("secretsmanager", config.region) } },
                },
            ]);
        }
        if (events && svc.publishes.length > 0) {
            // PutEvents on the bus only with the sources the service declares (config validation
            // has checked that a subscription matches each of them).
            statements.push(events.producerPolicyStatements(svc.publishes));
            environment.EVENT_BUS_NAME = events.busName;
        }
        if (events?.notificationPublisherPolicyStatements !== undefined && events.topicArn !== undefined && svc.publishesNotifications) {
            statements.push(events.notificationPublisherPolicyStatements);
            environment.NOTIFICATIONS_TOPIC_ARN = events.topicArn;
        }
        const consumed = config.events.subscriptions.find((s) => s.consumer === svc.name);
        let queueScaling: AlbServiceArgs["queueScaling"];
        if (consumed && events) {
            const queue = events.queues[consumed.name];
            statements.push(events.consumerPolicyStatements[consumed.name]);
            environment.QUEUE_URL = queue.queueUrl;
            queueScaling = { queueName: queue.queueName, backlogPerTask: consumed.backlogPerTask };
        }

        return {
            name: svc.name,
            image: svc.image,
            port: svc.port,
            cpu: svc.cpu,
            memory: svc.memory,
            hostPatterns: svc.hostPatterns,
            pathPatterns: svc.pathPatterns,
            priority: svc.priority,
            healthCheck: { path: svc.healthCheckPath },
            deregistrationDelaySeconds: svc.deregistrationDelaySeconds,
            minCount: svc.minCount,
            maxCount: svc.maxCount,
            cpuTargetPercent: svc.cpuTargetPercent,
            memoryTargetPercent: svc.memoryTargetPercent,
            requestsPerTarget: svc.requestsPerTarget,
            readonlyRootFilesystem: svc.readonlyRootFilesystem,
            environment,
            policyStatements: pulumi.all(statements).apply((lists) => lists.flat()),
            connectsTo,
            queueScaling,
        };
    };

    const app = new InternalAlbService(COMPONENT_NAMES.services, {
        region: config.region,
        vpcId: network.vpcId,
        privateSubnetIds: network.privateSubnetIds,
        availabilityZoneCount: config.network.availabilityZoneCount,
        publicZoneId,
        publicZoneName: config.dns.publicZoneName,
        certificateDomain: config.dns.albCertificateDomain,
        deletionProtection: config.deletionProtection,
        protectAccessLogs: config.protectStatefulResources,
        extraIngressCidrs: config.network.albIngressCidrs,
        logsKeyArn: keys.keys.logs.arn,
        appKeyArn: keys.keys.app.arn,
        secretsKeyArn: keys.keys.data.arn,
        logRetentionDays: config.logRetentionDays,
        services: config.services.map(serviceArgs),
    });

    const dns = new PrivateDns(COMPONENT_NAMES.dns, {
        zoneName: config.dns.privateZoneName,
        vpcId: network.vpcId,
        ttl: config.dns.ttl,
        database: config.data.kind === "sql" ? { writerEndpoint: data.endpoint, readerEndpoint: data.readerEndpoint } : undefined,
        cache: cache ? { primaryEndpoint: cache.primaryEndpoint, readerEndpoint: cache.readerEndpoint } : undefined,
        alb: { dnsName: app.dnsName, zoneId: app.zoneId, serviceNames: config.services.map((s) => s.name) },
    });

    // --- edge -----------------------------------------------------------------------------------
    const exposed = config.services.filter((s) => s.api !== undefined);
    const api = new SecureApi(COMPONENT_NAMES.api, {
        region: config.region,
        apiName: stackName,
        stageName: config.api.stageName,
        services: exposed.map((s) => ({
            name: s.name,
            basePath: s.api?.basePath ?? s.name,
            host: integrationHost(s, config.dns.privateZoneName),
            scopes: s.api?.scopes ?? [],
            publicPaths: s.api?.publicPaths,
            cacheTtlSeconds: s.api?.cacheTtlSeconds,
            rateLimit: s.api?.rateLimit,
            burstLimit: s.api?.burstLimit,
        })),
        loadBalancerArn: app.albArn,
        vpcLinkSubnetIds: network.privateSubnetIds,
        vpcLinkSecurityGroupId: app.clientSecurityGroupId,
        logsKmsKeyArn: keys.keys.logs.arn,
        storageKmsKeyArn: keys.keys.storage.arn,
        auth: {
            // Cognito prefix domains are unique per Region across all AWS customers: the account id
            // makes the default unique, project and environment keep this account's stacks apart.
            domainPrefix:
                config.api.authDomainPrefix ?? pulumi.interpolate`${defaultCognitoDomainPrefixStem(config.project, config.environment)}${aws.getCallerIdentityOutput().accountId}`,
            mfa: config.api.cognitoMfa,
            deletionProtection: config.deletionProtection,
            callbackUrls: config.api.callbackUrls,
        },
        throttle: { rateLimit: config.api.rateLimit, burstLimit: config.api.burstLimit },
        logRetentionDays: config.logRetentionDays,
        customDomain: config.api.domainName
            ? { domainName: config.api.domainName, publicZoneId, publicZoneName: config.dns.publicZoneName, basePath: config.api.basePath }
            : undefined,
        mtls: config.api.mtlsTruststoreFile
            ? { truststorePem: fs.readFileSync(path.resolve(projectDir, config.api.mtlsTruststoreFile), "utf8"), truststoreFileName: path.basename(config.api.mtlsTruststoreFile) }
            : undefined,
        usagePlans: config.api.usagePlans,
        cacheSizeGb: config.api.cacheSizeGb,
        wafRateLimit: config.api.wafRateLimit,
        // With the CDN in front, CloudFront identifies itself with the secret origin header.
        originVerify: config.cdn.enabled,
        cdnOnly: config.api.cdnOnly,
        asyncEvents: config.api.asyncEventsEnabled && events ? { busArn: events.busArn, busName: events.busName, source: API_EVENT_SOURCE, scope: API_EVENTS_SCOPE } : undefined,
        manageAccountCloudWatchRole: config.api.manageAccountLogsRole,
        protect: config.protectStatefulResources,
        alarmTopicArn: alarms.topicArn,
    });

    // The CDN, when config enables it (config guarantees the API's custom domain then). CloudFront's
    // alarms live in us-east-1 and can only notify a topic there: a second alarm topic, with its own
    // us-east-1 key (the messaging key is regional), for the same recipients.
    let cdn: EdgeCdn | undefined;
    let edgeAlarms: AlarmTopic | undefined;
    if (config.cdn.enabled && config.api.domainName !== undefined) {
        // A stack in us-east-1 already has its alarm topic there.
        edgeAlarms =
            config.region === CLOUDFRONT_CONTROL_REGION
                ? alarms
                : new AlarmTopic(`${COMPONENT_NAMES.alarms}-${CLOUDFRONT_CONTROL_REGION}`, {
                      region: CLOUDFRONT_CONTROL_REGION,
                      emails: config.alarmEmails,
                      keyDeletionWindowDays: config.kmsDeletionWindowDays,
                      protect: config.protectStatefulResources,
                  });
        cdn = new EdgeCdn(COMPONENT_NAMES.edge, {
            aliases: config.cdn.aliases,
            publicZoneId,
            publicZoneName: config.dns.publicZoneName,
            apiOrigin: {
                domainName: config.api.domainName,
                basePath: config.api.basePath,
                originVerify:
                    api.originVerifyHeaderName !== undefined && api.originVerifySecret !== undefined
                        ? { headerName: api.originVerifyHeaderName, value: api.originVerifySecret }
                        : undefined,
            },
            apiCacheTtlSeconds: config.cdn.apiCacheTtlSeconds,
            apiPathCaching: config.cdn.apiCachePaths,
            priceClass: config.cdn.priceClass,
            minimumProtocolVersion: config.cdn.minimumProtocolVersion,
            geoRestriction: { type: config.cdn.geoRestrictionType, locations: config.cdn.geoRestrictionLocations },
            contentSecurityPolicy: config.cdn.contentSecurityPolicy,
            wafRateLimit: config.cdn.wafRateLimit,
            alarmActions: [edgeAlarms],
            logRetentionDays: config.logRetentionDays,
            keyDeletionWindowDays: config.kmsDeletionWindowDays,
            protectStatefulResources: config.protectStatefulResources,
        });
    }

    const outputs = {
        environment: config.environment,
        vpcId: network.vpcId,
        privateSubnetIds: network.privateSubnetIds,
        isolatedSubnetIds: network.isolatedSubnetIds,
        keyArns: Object.fromEntries(Object.entries(keys.keys).map(([purpose, key]) => [purpose, key.arn])),
        albDnsName: app.dnsName,
        alarmTopicArn: alarms.topicArn,
        apiUrl: api.url,
        userPoolId: api.userPoolId,
        privateZoneId: dns.zoneId,
        dataEndpoint: data.endpoint,
        cacheEndpoint: cache?.primaryEndpoint,
        eventBusName: events?.busName,
        cdnDomainName: cdn?.domainName,
        cdnDistributionId: cdn?.distributionId,
        cdnSiteBucketName: cdn?.siteBucketName,
        cdnAlarmTopicArn: edgeAlarms?.topicArn,
    };
    // Stack outputs exist only for what this stack creates (an undefined output is a warning).
    return Object.fromEntries(Object.entries(outputs).filter(([, value]) => value !== undefined)) as PlatformOutputs;
}

/** Environment variable form of a name: `order-items` -> `ORDER_ITEMS`. */
function envName(name: string): string {
    return name.toUpperCase().replace(/[^A-Z0-9]/g, "_");
}

function requireDefined(what: string): (value: string | undefined) => string {
    return (value) => {
        if (value === undefined) {
            throw new Error(`${what} is undefined`);
        }
        return value;
    };
}

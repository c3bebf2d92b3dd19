import * as aws from "@pulumi/aws";
import { ResourceValidationPolicy, StackValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { validateByType, validateResourceOfTypes } from "../lib/typed";

/*
 * Data protection: stores cannot be deleted by one API call or one `pulumi up`, and can be
 * restored to a recent point in time.
 */

export const rdsDeletionProtection: ResourceValidationPolicy = {
    name: "rds-deletion-protection",
    description: "RDS/Aurora clusters and DB instances have deletion protection on (Checkov CKV_AWS_139, CKV_AWS_293; cdk-nag AwsSolutions-RDS10).",
    validateResource: validateResourceOfTypes([aws.rds.Cluster, aws.rds.Instance], (db, _args, reportViolation) => {
        if (db.deletionProtection !== true) {
            reportViolation("deletionProtection is not true: one API call or a replacing update deletes the database; set deletionProtection: true.");
        }
    }),
};

export const DEFAULT_MIN_BACKUP_DAYS = 7;

export const rdsBackupRetention: ResourceValidationPolicy = {
    name: "rds-backup-retention",
    description:
        "RDS/Aurora clusters and DB instances keep automated backups for at least the configured number of days, default 7 (Checkov CKV_AWS_133; cdk-nag AwsSolutions-RDS13).",
    configSchema: {
        properties: {
            minBackupRetentionDays: {
                type: "integer",
                minimum: 1,
                maximum: 35,
                default: DEFAULT_MIN_BACKUP_DAYS,
                description: "Minimum backupRetentionPeriod in days (RDS allows 1-35).",
            },
        },
    },
    validateResource: validateResourceOfTypes([aws.rds.Cluster, aws.rds.Instance], (db, args, reportViolation) => {
        const minimum = args.getConfig<{ minBackupRetentionDays?: number }>().minBackupRetentionDays ?? DEFAULT_MIN_BACKUP_DAYS;
        const days = db.backupRetentionPeriod;
        if (days === undefined) {
            reportViolation(`backupRetentionPeriod is not set (RDS keeps 1 day of automated backups): set backupRetentionPeriod >= ${minimum}.`);
        } else if (days < minimum) {
            reportViolation(`backupRetentionPeriod is ${days}: at least ${minimum} days of automated backups are required; set backupRetentionPeriod >= ${minimum}.`);
        }
    }),
};

export const dynamodbPointInTimeRecovery: ResourceValidationPolicy = {
    name: "dynamodb-point-in-time-recovery",
    description: "DynamoDB tables have point-in-time recovery enabled (Checkov CKV_AWS_28; cdk-nag AwsSolutions-DDB3).",
    validateResource: validateResourceOfType(aws.dynamodb.Table, (table, _args, reportViolation) => {
        if (table.pointInTimeRecovery?.enabled !== true) {
            reportViolation(
                "pointInTimeRecovery.enabled is not true: the table cannot be restored to a point in time (it is off unless enabled); set pointInTimeRecovery: { enabled: true }.",
            );
        }
    }),
};

export const dynamodbDeletionProtection: ResourceValidationPolicy = {
    name: "dynamodb-deletion-protection",
    description: "DynamoDB tables have deletion protection on. No Checkov/cdk-nag rule checks it; the DynamoDB counterpart of Checkov CKV_AWS_139 and cdk-nag AwsSolutions-RDS10.",
    validateResource: validateResourceOfType(aws.dynamodb.Table, (table, _args, reportViolation) => {
        if (table.deletionProtectionEnabled !== true) {
            reportViolation("deletionProtectionEnabled is not true: one API call or a replacing update deletes the table; set deletionProtectionEnabled: true.");
        }
    }),
};

export const DEFAULT_MIN_SNAPSHOT_DAYS = 1;

export const elasticacheSnapshotRetention: ResourceValidationPolicy = {
    name: "elasticache-snapshot-retention",
    description: "ElastiCache replication groups and serverless caches keep automatic snapshots (snapshotRetentionLimit > 0) (Checkov CKV_AWS_134).",
    configSchema: {
        properties: {
            minSnapshotRetentionDays: {
                type: "integer",
                minimum: 1,
                maximum: 35,
                default: DEFAULT_MIN_SNAPSHOT_DAYS,
                description: "Minimum snapshotRetentionLimit in days.",
            },
        },
    },
    validateResource: validateByType(
        validateResourceOfType(aws.elasticache.ReplicationGroup, (group, args, reportViolation) => {
            checkSnapshotRetention(group.snapshotRetentionLimit, args.getConfig(), reportViolation);
        }),
        validateResourceOfType(aws.elasticache.ServerlessCache, (cache, args, reportViolation) => {
            checkSnapshotRetention(cache.snapshotRetentionLimit, args.getConfig(), reportViolation);
        }),
    ),
};

function checkSnapshotRetention(limit: number | undefined, config: { minSnapshotRetentionDays?: number }, reportViolation: (message: string) => void): void {
    const minimum = config.minSnapshotRetentionDays ?? DEFAULT_MIN_SNAPSHOT_DAYS;
    if ((limit ?? 0) < minimum) {
        reportViolation(
            `snapshotRetentionLimit is ${limit ?? "not set (0, no automatic snapshots)"}: keep at least ${minimum} day(s) of automatic snapshots; set snapshotRetentionLimit >= ${minimum}.`,
        );
    }
}

export const lbDeletionProtection: ResourceValidationPolicy = {
    name: "lb-deletion-protection",
    description: "Load balancers have deletion protection on, so a stray delete does not take the entry point (and its DNS name) away (Checkov CKV_AWS_150).",
    validateResource: validateResourceOfTypes([aws.lb.LoadBalancer, aws.alb.LoadBalancer], (lb, _args, reportViolation) => {
        if (lb.enableDeletionProtection !== true) {
            reportViolation(
                "enableDeletionProtection is not true: one API call or a replacing update deletes the load balancer and its DNS name; set enableDeletionProtection: true.",
            );
        }
    }),
};

/** Type tokens of resources that hold data or identity that cannot be recreated. */
export const DEFAULT_STATEFUL_TYPES = [
    "aws:rds/cluster:Cluster",
    "aws:rds/instance:Instance",
    // Replacing or destroying an Aurora instance drops a reader (or the writer) from the cluster.
    "aws:rds/clusterInstance:ClusterInstance",
    "aws:dynamodb/table:Table",
    "aws:elasticache/replicationGroup:ReplicationGroup",
    "aws:elasticache/serverlessCache:ServerlessCache",
    "aws:s3/bucket:Bucket",
    "aws:s3/bucketV2:BucketV2",
    "aws:efs/fileSystem:FileSystem",
    "aws:kms/key:Key",
    "aws:secretsmanager/secret:Secret",
    "aws:cognito/userPool:UserPool",
    // Messages waiting in a queue (or dead-lettered) and the bus's replay archive are data too.
    "aws:sqs/queue:Queue",
    "aws:cloudwatch/eventBus:EventBus",
    "aws:cloudwatch/eventArchive:EventArchive",
];

export const statefulResourcesProtected: StackValidationPolicy = {
    name: "stateful-resources-protected",
    description:
        "Stateful resources carry Pulumi's `protect` option, so `pulumi destroy` or an accidental replacement cannot delete them. No Checkov/cdk-nag rule sees Pulumi options; the IaC-level counterpart of Checkov CKV_AWS_139 and cdk-nag AwsSolutions-RDS10.",
    configSchema: {
        properties: {
            statefulTypes: {
                type: "array",
                items: { type: "string" },
                default: DEFAULT_STATEFUL_TYPES,
                description: "Type tokens that must be protected.",
            },
        },
    },
    validateStack: (args, reportViolation) => {
        const types = args.getConfig<{ statefulTypes?: string[] }>().statefulTypes ?? DEFAULT_STATEFUL_TYPES;
        const stateful = args.resources.filter((r) => types.includes(r.type));
        if (stateful.length === 0) {
            return args.notApplicable("The stack has no stateful resources");
        }
        for (const resource of stateful) {
            // `opts` is the resource options the engine recorded (PolicyResource.opts.protect).
            if (resource.opts?.protect !== true) {
                reportViolation(
                    `${resource.type} "${resource.name}" is not protected: set the resource option protect: true (and retainOnDelete) so pulumi destroy or a replacement cannot delete its data.`,
                    resource.urn,
                );
            }
        }
    },
};

export const dataProtectionPolicies = [
    rdsDeletionProtection,
    rdsBackupRetention,
    dynamodbPointInTimeRecovery,
    dynamodbDeletionProtection,
    elasticacheSnapshotRetention,
    lbDeletionProtection,
    statefulResourcesProtected,
];

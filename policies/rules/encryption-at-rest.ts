import * as aws from "@pulumi/aws";
import { ResourceValidationPolicy, StackValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { listing, ofClasses, references } from "../lib/correlate";
import { validateByType } from "../lib/typed";
import { UnknownTracker } from "../lib/unknowns";

/*
 * Encryption at rest: every data store encrypts with a customer-managed KMS key (CMK), so key policy,
 * rotation, audit and revocation stay under the platform's control, and services that publish into
 * queues/topics (EventBridge, SNS) can be granted use of the key.
 */

export const rdsClusterEncryptedCmk: ResourceValidationPolicy = {
    name: "rds-cluster-encrypted-cmk",
    description: "RDS/Aurora clusters encrypt storage with a customer-managed KMS key (Checkov CKV_AWS_96, CKV_AWS_327; cdk-nag AwsSolutions-RDS2).",
    validateResource: validateResourceOfType(aws.rds.Cluster, (cluster, _args, reportViolation) => {
        const tracker = new UnknownTracker();
        tracker.check(() => {
            if (cluster.storageEncrypted !== true) {
                reportViolation(
                    "storageEncrypted is not true: the cluster's storage, snapshots and backups are unencrypted, and encryption can only be chosen at creation; set storageEncrypted: true.",
                );
            }
        });
        tracker.check(() => {
            if (!cluster.kmsKeyId) {
                reportViolation("kmsKeyId is not set: storage would be encrypted with the AWS managed key aws/rds; set kmsKeyId to a customer-managed KMS key ARN.");
            }
        });
        tracker.finish();
    }),
};

export const rdsInstanceEncryptedCmk: ResourceValidationPolicy = {
    name: "rds-instance-encrypted-cmk",
    description: "RDS DB instances encrypt storage with a customer-managed KMS key (Checkov CKV_AWS_16; cdk-nag AwsSolutions-RDS2).",
    validateResource: validateResourceOfType(aws.rds.Instance, (instance, _args, reportViolation) => {
        const tracker = new UnknownTracker();
        tracker.check(() => {
            if (instance.storageEncrypted !== true) {
                reportViolation(
                    "storageEncrypted is not true: the instance's storage, snapshots and backups are unencrypted, and encryption can only be chosen at creation; set storageEncrypted: true.",
                );
            }
        });
        tracker.check(() => {
            if (!instance.kmsKeyId) {
                reportViolation("kmsKeyId is not set: storage would be encrypted with the AWS managed key aws/rds; set kmsKeyId to a customer-managed KMS key ARN.");
            }
        });
        tracker.finish();
    }),
};

export const dynamodbTableCmk: ResourceValidationPolicy = {
    name: "dynamodb-table-cmk",
    description: "DynamoDB tables encrypt with a customer-managed KMS key (Checkov CKV_AWS_119).",
    validateResource: validateResourceOfType(aws.dynamodb.Table, (table, _args, reportViolation) => {
        const sse = table.serverSideEncryption;
        if (!sse || sse.enabled !== true) {
            reportViolation(
                "serverSideEncryption.enabled is not true: the table is encrypted with an AWS owned key; set serverSideEncryption: { enabled: true, kmsKeyArn: <customer-managed key ARN> }.",
            );
            return;
        }
        if (!sse.kmsKeyArn) {
            reportViolation("serverSideEncryption.kmsKeyArn is not set: the table would use the AWS managed key aws/dynamodb; set kmsKeyArn to a customer-managed KMS key ARN.");
        }
    }),
};

export const elasticacheEncryptedAtRestCmk: ResourceValidationPolicy = {
    name: "elasticache-encrypted-at-rest-cmk",
    description:
        "ElastiCache replication groups and serverless caches encrypt at rest with a customer-managed KMS key (Checkov CKV_AWS_29, CKV_AWS_191; cdk-nag AwsSolutions-AEC3).",
    validateResource: validateByType(
        validateResourceOfType(aws.elasticache.ReplicationGroup, (group, _args, reportViolation) => {
            const tracker = new UnknownTracker();
            tracker.check(() => {
                if (group.atRestEncryptionEnabled !== true) {
                    reportViolation(
                        "atRestEncryptionEnabled is not true: cached data, backups and snapshots are unencrypted on disk, and this can only be chosen at creation; set atRestEncryptionEnabled: true.",
                    );
                }
            });
            tracker.check(() => {
                if (!group.kmsKeyId) {
                    reportViolation("kmsKeyId is not set: data at rest would be encrypted with an AWS managed key; set kmsKeyId to a customer-managed KMS key ARN.");
                }
            });
            tracker.finish();
        }),
        // A serverless cache is always encrypted at rest; only the key choice is checked.
        validateResourceOfType(aws.elasticache.ServerlessCache, (cache, _args, reportViolation) => {
            if (!cache.kmsKeyId) {
                reportViolation("kmsKeyId is not set: the serverless cache would be encrypted with an AWS owned key; set kmsKeyId to a customer-managed KMS key ARN.");
            }
        }),
    ),
};

export const sqsQueueCmk: ResourceValidationPolicy = {
    name: "sqs-queue-cmk",
    description: "SQS queues encrypt with a customer-managed KMS key, not SQS-owned keys or alias/aws/sqs (Checkov CKV_AWS_27; cdk-nag AwsSolutions-SQS2).",
    validateResource: validateResourceOfType(aws.sqs.Queue, (queue, _args, reportViolation) => {
        const key = queue.kmsMasterKeyId;
        if (!key) {
            reportViolation("kmsMasterKeyId is not set: messages are encrypted with SQS-owned keys (or not at all); set kmsMasterKeyId to a customer-managed KMS key.");
        } else if (key === "alias/aws/sqs") {
            reportViolation(
                "kmsMasterKeyId is the AWS managed key alias/aws/sqs, which EventBridge and SNS cannot use to deliver messages and whose key policy cannot be changed; use a customer-managed KMS key.",
            );
        }
    }),
};

export const snsTopicCmk: ResourceValidationPolicy = {
    name: "sns-topic-cmk",
    description: "SNS topics encrypt with a customer-managed KMS key, not alias/aws/sns (Checkov CKV_AWS_26; cdk-nag AwsSolutions-SNS2).",
    validateResource: validateResourceOfType(aws.sns.Topic, (topic, _args, reportViolation) => {
        const key = topic.kmsMasterKeyId;
        if (!key) {
            reportViolation("kmsMasterKeyId is not set: messages are stored unencrypted; set kmsMasterKeyId to a customer-managed KMS key.");
        } else if (key === "alias/aws/sns") {
            reportViolation(
                "kmsMasterKeyId is the AWS managed key alias/aws/sns, which EventBridge and other AWS services cannot use to publish and whose key policy cannot be changed; use a customer-managed KMS key.",
            );
        }
    }),
};

export const eventbridgeBusCmk: ResourceValidationPolicy = {
    name: "eventbridge-bus-cmk",
    description:
        "EventBridge event buses and event archives encrypt events with a customer-managed KMS key (kmsKeyIdentifier on each: an archive does not inherit its bus's key). No Checkov/cdk-nag rule targets EventBridge; modelled on Checkov CKV_AWS_158 and cdk-nag AwsSolutions-SNS2.",
    validateResource: validateByType(
        validateResourceOfType(aws.cloudwatch.EventBus, (bus, _args, reportViolation) => {
            if (!bus.kmsKeyIdentifier) {
                reportViolation("kmsKeyIdentifier is not set: events on the bus are encrypted with an AWS owned key; set kmsKeyIdentifier to a customer-managed KMS key ARN.");
            }
        }),
        // Archives default to an AWS owned key whatever the bus uses (EventBridge user guide,
        // "Encrypting EventBridge archives with AWS KMS keys").
        validateResourceOfType(aws.cloudwatch.EventArchive, (archive, _args, reportViolation) => {
            if (!archive.kmsKeyIdentifier) {
                reportViolation(
                    "kmsKeyIdentifier is not set: archived events (kept for replay) are encrypted with an AWS owned key, whatever key the bus uses; set kmsKeyIdentifier to a customer-managed KMS key ARN.",
                );
            }
        }),
    ),
};

export const cloudwatchLogGroupCmk: ResourceValidationPolicy = {
    name: "cloudwatch-log-group-cmk",
    description: "CloudWatch log groups encrypt with a customer-managed KMS key (Checkov CKV_AWS_158).",
    validateResource: validateResourceOfType(aws.cloudwatch.LogGroup, (group, _args, reportViolation) => {
        if (!group.kmsKeyId) {
            reportViolation(
                "kmsKeyId is not set: log events are encrypted with a service-owned key; set kmsKeyId to a customer-managed KMS key ARN whose key policy allows logs.<region>.amazonaws.com.",
            );
        }
    }),
};

export const secretsmanagerSecretCmk: ResourceValidationPolicy = {
    name: "secretsmanager-secret-cmk",
    description: "Secrets Manager secrets encrypt with a customer-managed KMS key, not aws/secretsmanager (Checkov CKV_AWS_149).",
    validateResource: validateResourceOfType(aws.secretsmanager.Secret, (secret, _args, reportViolation) => {
        const key = secret.kmsKeyId;
        if (!key) {
            reportViolation("kmsKeyId is not set: the secret is encrypted with the AWS managed key aws/secretsmanager; set kmsKeyId to a customer-managed KMS key.");
        } else if (key === "alias/aws/secretsmanager") {
            reportViolation("kmsKeyId is the AWS managed key alias/aws/secretsmanager, whose key policy cannot restrict who decrypts the secret; use a customer-managed KMS key.");
        }
    }),
};

export const DEFAULT_S3_SSE_ALGORITHMS = ["aws:kms", "aws:kms:dsse", "AES256"];

export const s3BucketDefaultEncryption: StackValidationPolicy = {
    name: "s3-bucket-default-encryption",
    description:
        "Every S3 bucket has default encryption (a BucketServerSideEncryptionConfiguration, the separate resource in @pulumi/aws v7) with an allowed algorithm (Checkov CKV_AWS_19, CKV_AWS_145; cdk-nag AwsSolutions-S3).",
    configSchema: {
        properties: {
            allowedAlgorithms: {
                type: "array",
                items: { type: "string", enum: ["aws:kms", "aws:kms:dsse", "AES256"] },
                minItems: 1,
                default: DEFAULT_S3_SSE_ALGORITHMS,
                description: "Allowed default-encryption algorithms. AES256 (SSE-S3) stays allowed by default because ALB access-log buckets support SSE-S3 only.",
            },
        },
    },
    validateStack: (args, reportViolation) => {
        const allowed = args.getConfig<{ allowedAlgorithms?: string[] }>().allowedAlgorithms ?? DEFAULT_S3_SSE_ALGORITHMS;
        const tracker = new UnknownTracker();
        const buckets = ofClasses(args.resources, aws.s3.Bucket, aws.s3.BucketV2);
        const configs = ofClasses(args.resources, aws.s3.BucketServerSideEncryptionConfiguration, aws.s3.BucketServerSideEncryptionConfigurationV2);
        if (buckets.length === 0 && configs.length === 0) {
            return args.notApplicable("The stack has no S3 buckets");
        }
        const checkAlgorithms = (rules: unknown, urn: string) => {
            const bad = sseAlgorithms(rules).filter((a) => !allowed.includes(a));
            if (bad.length > 0) {
                reportViolation(
                    `default encryption uses ${listing(bad.map((a) => `"${a}"`))}, which is not allowed (allowed: ${allowed.join(", ")}); set applyServerSideEncryptionByDefault.sseAlgorithm to an allowed algorithm.`,
                    urn,
                );
            }
        };

        for (const config of configs) {
            tracker.check(() => checkAlgorithms(config.props["rules"], config.urn));
        }
        for (const bucket of buckets) {
            tracker.check(() => {
                if (configs.some((c) => references(c, "bucket", bucket, ["id", "bucket"]))) {
                    return;
                }
                // A v7 Bucket's deprecated inline block still configures default encryption.
                const inline: unknown = bucket.props["serverSideEncryptionConfiguration"];
                if (isRecord(inline) && inline["rule"] !== undefined) {
                    checkAlgorithms(inline["rule"], bucket.urn);
                    return;
                }
                reportViolation(
                    "bucket has no default encryption configuration: add an aws.s3.BucketServerSideEncryptionConfiguration whose bucket is this bucket's id, with an allowed sseAlgorithm.",
                    bucket.urn,
                );
            });
        }
        tracker.finish();
    },
};

function isRecord(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The sseAlgorithm of each rule (one rule object or an array of them); "" when a rule names none. */
function sseAlgorithms(rules: unknown): string[] {
    const list: unknown[] = Array.isArray(rules) ? rules : rules === undefined ? [] : [rules];
    return list.map((rule) => {
        const byDefault = isRecord(rule) ? rule["applyServerSideEncryptionByDefault"] : undefined;
        const algorithm = isRecord(byDefault) ? byDefault["sseAlgorithm"] : undefined;
        return typeof algorithm === "string" ? algorithm : "";
    });
}

/** Block-device-like settings shared by EBS volumes, instance block devices and launch templates. */
interface EncryptedDevice {
    encrypted?: boolean | string;
    kmsKeyId?: string;
}

function deviceProblems(device: EncryptedDevice, label: string): string[] {
    // Launch template block devices take `encrypted` as the string "true"/"false".
    const encrypted = device.encrypted === true || device.encrypted === "true";
    if (!encrypted) {
        return [`${label}.encrypted is not true`];
    }
    return device.kmsKeyId ? [] : [`${label}.kmsKeyId is not set`];
}

export const ebsEncryptedCmk: ResourceValidationPolicy = {
    name: "ebs-encrypted-cmk",
    description:
        "EBS volumes, EC2 instance block devices and launch-template block devices are encrypted with a customer-managed KMS key (Checkov CKV_AWS_3, CKV_AWS_189; cdk-nag AwsSolutions-EC26).",
    validateResource: validateByType(
        validateResourceOfType(aws.ebs.Volume, (volume, _args, reportViolation) => {
            for (const problem of deviceProblems(volume, "volume")) {
                reportViolation(`${problem}: set encrypted: true and kmsKeyId to a customer-managed KMS key ARN.`);
            }
        }),
        validateResourceOfType(aws.ec2.Instance, (instance, _args, reportViolation) => {
            const problems: string[] = [];
            if (instance.rootBlockDevice) {
                problems.push(...deviceProblems(instance.rootBlockDevice, "rootBlockDevice"));
            } else {
                problems.push("rootBlockDevice is not set (the root volume follows the AMI, unencrypted by default)");
            }
            (instance.ebsBlockDevices ?? []).forEach((d, i) => problems.push(...deviceProblems(d, `ebsBlockDevices[${i}]`)));
            for (const problem of problems) {
                reportViolation(`${problem}: set encrypted: true and kmsKeyId to a customer-managed KMS key ARN.`);
            }
        }),
        validateResourceOfType(aws.ec2.LaunchTemplate, (template, _args, reportViolation) => {
            (template.blockDeviceMappings ?? []).forEach((mapping, i) => {
                if (!mapping.ebs) {
                    return; // instance-store or NoDevice mappings have no EBS volume
                }
                for (const problem of deviceProblems(mapping.ebs, `blockDeviceMappings[${i}].ebs`)) {
                    reportViolation(`${problem}: set encrypted: "true" and kmsKeyId to a customer-managed KMS key ARN.`);
                }
            });
        }),
    ),
};

export const efsEncryptedCmk: ResourceValidationPolicy = {
    name: "efs-encrypted-cmk",
    description: "EFS file systems are encrypted with a customer-managed KMS key (Checkov CKV_AWS_42, CKV_AWS_184; cdk-nag AwsSolutions-EFS1).",
    validateResource: validateResourceOfType(aws.efs.FileSystem, (fs, _args, reportViolation) => {
        if (fs.encrypted !== true) {
            reportViolation("encrypted is not true: file data and metadata are unencrypted at rest, and this can only be chosen at creation; set encrypted: true and kmsKeyId.");
        } else if (!fs.kmsKeyId) {
            reportViolation("kmsKeyId is not set: the file system would use the AWS managed key aws/elasticfilesystem; set kmsKeyId to a customer-managed KMS key ARN.");
        }
    }),
};

export const kmsKeyRotation: ResourceValidationPolicy = {
    name: "kms-key-rotation",
    description: "Customer-managed symmetric KMS keys have automatic rotation enabled (Checkov CKV_AWS_7; cdk-nag AwsSolutions-KMS5).",
    validateResource: validateResourceOfType(aws.kms.Key, (key, args, reportViolation) => {
        const spec = key.customerMasterKeySpec ?? "SYMMETRIC_DEFAULT";
        const usage = key.keyUsage ?? "ENCRYPT_DECRYPT";
        if (spec !== "SYMMETRIC_DEFAULT" || usage !== "ENCRYPT_DECRYPT") {
            // KMS supports automatic rotation only for symmetric encryption keys.
            return args.notApplicable(`Automatic rotation is not supported for ${spec} keys with usage ${usage}`);
        }
        if (key.enableKeyRotation !== true) {
            reportViolation("enableKeyRotation is not true: the key material is never rotated; set enableKeyRotation: true.");
        }
    }),
};

export const encryptionAtRestPolicies = [
    rdsClusterEncryptedCmk,
    rdsInstanceEncryptedCmk,
    dynamodbTableCmk,
    elasticacheEncryptedAtRestCmk,
    sqsQueueCmk,
    snsTopicCmk,
    eventbridgeBusCmk,
    cloudwatchLogGroupCmk,
    secretsmanagerSecretCmk,
    s3BucketDefaultEncryption,
    ebsEncryptedCmk,
    efsEncryptedCmk,
    kmsKeyRotation,
];

/**
 * DataTier: the platform's system of record, SQL (Aurora PostgreSQL) or NoSQL (DynamoDB), behind
 * one interface. Whichever `kind`, the component exposes the same outputs (endpoints, port, secret,
 * key, security group, tables, and the IAM statements a consuming service's task role needs), so
 * InternalAlbService wires a service to the database the same way for both.
 *
 * sql:   isolated subnets -> DB subnet group -> Aurora PostgreSQL cluster (CMK storage, managed
 *        master secret under the CMK, IAM auth, TLS forced by the cluster parameter group, logs to a
 *        pre-created KMS-encrypted log group) -> writer + readers spread over AZs (Performance
 *        Insights under the CMK, enhanced monitoring) -> reader auto scaling on CPU.
 * nosql: DynamoDB tables (CMK, point-in-time recovery, deletion protection, optional streams, TTL,
 *        contributor insights).
 *
 * Data safety: with `protect: true` every stateful resource is created with `protect` and
 * `retainOnDelete`, and the supporting resources a retained cluster still uses (subnet group,
 * parameter group, security group, monitoring role, log group) with `retainOnDelete`, so deleting
 * the stack never deletes data or strands a retained cluster without its network.
 *
 * Why hand-written rather than a library: awsx has no RDS/DynamoDB components; the settings here
 * are the security and durability surface we review and test one by one.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Problem, Problems, ValidationError } from "../config/problems";
import type { DataKind, DynamoKey, DynamoStreamView } from "../config/types";
import { PolicyStatement, arnParts, viaServiceCondition } from "../lib/iam";
import { AUTONAME_SUFFIX_LENGTH } from "../lib/naming";

/** A DynamoDB global secondary index (mirrors config DynamoGsiConfig). */
export interface DynamoGsiArgs {
    /** Index name (3-255 of letters, digits, `_ . -`), unique in the table. */
    readonly name: string;
    readonly partitionKey: DynamoKey;
    /** @default no sort key */
    readonly sortKey?: DynamoKey;
    /** ALL, KEYS_ONLY, or INCLUDE (with `nonKeyAttributes`). */
    readonly projectionType: "ALL" | "KEYS_ONLY" | "INCLUDE";
    /** Projected non-key attributes; exactly when `projectionType` is INCLUDE. */
    readonly nonKeyAttributes: readonly string[];
}

/** A DynamoDB table (mirrors config DynamoTableConfig). */
export interface DynamoTableArgs {
    /** Table name in config (3-255 of letters, digits, `_ . -`); the physical name is autonamed from it. */
    readonly name: string;
    readonly partitionKey: DynamoKey;
    /** @default no sort key */
    readonly sortKey?: DynamoKey;
    /** Global secondary indexes (at most 20). */
    readonly globalSecondaryIndexes: readonly DynamoGsiArgs[];
    /** @default no TTL */
    readonly ttlAttribute?: string;
    /** On-demand (PAY_PER_REQUEST) or PROVISIONED (then capacities are required and also apply to every GSI). */
    readonly billingMode: "PAY_PER_REQUEST" | "PROVISIONED";
    /** @default none (on-demand) */
    readonly readCapacity?: number;
    /** @default none (on-demand) */
    readonly writeCapacity?: number;
    /** @default no stream */
    readonly streamView?: DynamoStreamView;
    /** Enables CloudWatch Contributor Insights on the table. */
    readonly contributorInsights: boolean;
}

export interface DataTierSqlArgs {
    /** VPC of the database's security group. */
    readonly vpcId: pulumi.Input<string>;
    /** Isolated subnet ids (one per AZ, at least 2 AZs) for the DB subnet group. */
    readonly subnetIds: pulumi.Input<pulumi.Input<string>[]>;
    /** Number of AZs the subnets span (plain: validated >= 2). */
    readonly availabilityZoneCount: number;
    /**
     * AZ names, in subnet order; instance i is placed in `availabilityZoneNames[i % n]` so the writer
     * and its failover reader sit in different AZs.
     * @default instances are placed by RDS
     */
    readonly availabilityZoneNames?: pulumi.Input<pulumi.Input<string>[]>;
    /** ARN of the `logs` CMK for the exported log groups. */
    readonly logsKmsKeyArn: pulumi.Input<string>;
    /**
     * Cluster identifier (1-63 lowercase letters, digits, hyphens). Set explicitly rather than
     * autonamed: the PostgreSQL log group `/aws/rds/cluster/<id>/postgresql` must exist (encrypted,
     * with retention) before the cluster, and a cluster is never replaced create-before-delete anyway
     * (it holds the data), so autonaming would buy nothing.
     * @default `<project>-<stack>-<component name>`, lowercased
     */
    readonly clusterIdentifier?: string;
    /** Aurora PostgreSQL major (`16`) or major.minor (`16.4`) version; the parameter group family follows the major. */
    readonly engineVersion: string;
    /**
     * `db.serverless` (Aurora Serverless v2) or a provisioned class such as `db.r7g.large`.
     * @default "db.serverless"
     */
    readonly instanceClass?: string;
    /** Instances: the writer plus (count - 1) readers, 1-16. */
    readonly instanceCount: number;
    /**
     * Serverless v2 minimum ACUs (0-256 in steps of 0.5; 0 only with `secondsUntilAutoPause`).
     * @default 0.5
     */
    readonly minCapacity?: number;
    /**
     * Serverless v2 maximum ACUs (1-256 in steps of 0.5, >= minCapacity).
     * @default 4
     */
    readonly maxCapacity?: number;
    /**
     * Seconds of inactivity before a 0-ACU cluster pauses (300-86400); only with minCapacity 0.
     * @default no auto-pause
     */
    readonly secondsUntilAutoPause?: number;
    /**
     * Maximum readers Aurora Auto Scaling may run (<= 15). Reader auto scaling is created only when
     * this exceeds the configured readers (instanceCount - 1).
     * @default instanceCount - 1 (no reader auto scaling)
     */
    readonly readerMaxCount?: number;
    /**
     * Target average reader CPU (%) of the reader scaling policy.
     * @default 70
     */
    readonly readerCpuTargetPercent?: number;
    /**
     * Automated backup retention, 1-35 days.
     * @default 7
     */
    readonly backupRetentionDays?: number;
    /**
     * Daily backup window, UTC `hh24:mi-hh24:mi` (>= 30 minutes, not overlapping maintenance).
     * @default "02:00-03:00"
     */
    readonly preferredBackupWindow?: string;
    /**
     * Weekly maintenance window, UTC `ddd:hh24:mi-ddd:hh24:mi` (>= 30 minutes).
     * @default "sun:03:30-sun:04:30"
     */
    readonly preferredMaintenanceWindow?: string;
    /**
     * Performance Insights retention: 7 (free), a multiple of 31 up to 713 (1-23 months), or 731 days.
     * @default 7
     */
    readonly performanceInsightsRetentionDays?: number;
    /**
     * Enhanced monitoring interval (0, 1, 5, 10, 15, 30 or 60 s); 0 disables it and its IAM role.
     * @default 60
     */
    readonly monitoringIntervalSeconds?: number;
    /** Initial database name (lowercase letters, digits, underscores; starts with a letter; <= 63). */
    readonly databaseName: string;
    /**
     * Master user name; its password is generated and kept by RDS in Secrets Manager (never in state).
     * @default "postgres"
     */
    readonly masterUsername?: string;
    /**
     * Database user services connect as with IAM authentication (`rds-db:connect`); must be created
     * in the database with `GRANT rds_iam`.
     * @default "app"
     */
    readonly iamDatabaseUser?: string;
    /**
     * Retention of the exported log groups (postgresql, iam-db-auth-error, instance), a CloudWatch Logs retention value.
     * @default 365
     */
    readonly logRetentionDays?: number;
    /**
     * Statements slower than this (ms) are logged (`log_min_duration_statement`); -1 disables.
     * @default 1000
     */
    readonly logMinDurationStatementMs?: number;
    /**
     * Whether `clientPolicyStatements` include reading the master secret (for schema migrations
     * that bootstrap the IAM user). Services that only use IAM auth do not need it, so it is off
     * unless asked for: the master user can do anything in the database.
     * @default false
     */
    readonly grantMasterSecret?: boolean;
}

export interface DataTierNoSqlArgs {
    /** Tables (at least one). */
    readonly tables: readonly DynamoTableArgs[];
    /**
     * Point-in-time recovery window, 1-35 days.
     * @default 35
     */
    readonly pointInTimeRecoveryDays?: number;
    /**
     * Whether `clientPolicyStatements` include `dynamodb:Scan` (full-table reads are rarely what a service should do).
     * @default false
     */
    readonly allowScan?: boolean;
}

export interface DataTierArgs {
    /** `sql` (Aurora PostgreSQL) or `nosql` (DynamoDB). Plain: decides which resources exist. */
    readonly kind: DataKind;
    /** ARN of the `data` CMK (storage, master secret, Performance Insights, tables). */
    readonly dataKmsKeyArn: pulumi.Input<string>;
    /**
     * Create stateful resources with `protect` and `retainOnDelete` (prod). Plain: a resource option.
     * @default false
     */
    readonly protect?: boolean;
    /**
     * Deletion protection on the cluster or tables (an API-level guard, independent of Pulumi's `protect`).
     * @default true
     */
    readonly deletionProtection?: pulumi.Input<boolean>;
    /** Required when kind is `sql`. @default none */
    readonly sql?: DataTierSqlArgs;
    /** Required when kind is `nosql`. @default none */
    readonly nosql?: DataTierNoSqlArgs;
}

/** Secure defaults, in one place. */
export const DATA_TIER_DEFAULTS = {
    protect: false,
    deletionProtection: true,
    instanceClass: "db.serverless",
    minCapacity: 0.5,
    maxCapacity: 4,
    readerCpuTargetPercent: 70,
    backupRetentionDays: 7,
    preferredBackupWindow: "02:00-03:00",
    preferredMaintenanceWindow: "sun:03:30-sun:04:30",
    performanceInsightsRetentionDays: 7,
    monitoringIntervalSeconds: 60,
    masterUsername: "postgres",
    iamDatabaseUser: "app",
    logRetentionDays: 365,
    logMinDurationStatementMs: 1000,
    grantMasterSecret: false,
    pointInTimeRecoveryDays: 35,
    allowScan: false,
} as const;

/** AWS limits the validator enforces (RDS, Aurora, DynamoDB, CloudWatch Logs API references). */
export const DATA_TIER_LIMITS = {
    acuMin: 0,
    acuMax: 256,
    acuMaxFloor: 1,
    autoPauseMin: 300,
    autoPauseMax: 86_400,
    instanceCountMin: 1,
    instanceCountMax: 16,
    readerMax: 15,
    backupRetentionMin: 1,
    backupRetentionMax: 35,
    monitoringIntervals: [0, 1, 5, 10, 15, 30, 60],
    logRetentionDays: [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653],
    minAzs: 2,
    clusterIdentifierMax: 63,
    dynamoNameMax: 255,
    dynamoGsiMax: 20,
    dynamoProjectedAttributesMax: 100,
    pitrMin: 1,
    pitrMax: 35,
} as const;

/**
 * Log types the cluster exports to CloudWatch Logs: all Aurora PostgreSQL offers (RDS API
 * CreateDBCluster, EnableCloudwatchLogsExports: `instance | postgresql | iam-db-auth-error`).
 * `iam-db-auth-error` matters here: IAM authentication is the only way services sign in, and its
 * failures (expired token, token signed for the wrong host, missing rds_iam grant) appear only there.
 */
export const AURORA_LOG_EXPORTS = ["postgresql", "iam-db-auth-error", "instance"] as const;

const POSTGRES_PORT = 5432;
const HTTPS_PORT = 443;
const ENGINE = aws.rds.EngineType.AuroraPostgresql;
const DAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

/** Physical name Pulumi's autonaming gives `${component}-${table}`. */
export function tableLogicalName(component: string, table: string): string {
    return `${component}-${table}`;
}

/** The cluster identifier: explicit, or `<project>-<stack>-<name>` made RDS-safe. */
export function defaultClusterIdentifier(project: string, stack: string, name: string): string {
    return `${project}-${stack}-${name}`
        .toLowerCase()
        .replace(/[^a-z0-9-]+/g, "-")
        .replace(/-{2,}/g, "-")
        .replace(/^-+|-+$/g, "");
}

function isInteger(value: unknown): value is number {
    return typeof value === "number" && Number.isInteger(value);
}

function minutesOf(hhmm: string): number {
    const [h, m] = hhmm.split(":").map(Number);
    return h * 60 + m;
}

/** [start, end) minutes of a daily `hh24:mi-hh24:mi` window, or undefined when malformed. */
function dailyWindow(value: string): { start: number; end: number } | undefined {
    const m = /^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)$/.exec(value);
    if (!m) {
        return undefined;
    }
    const start = minutesOf(`${m[1]}:${m[2]}`);
    let end = minutesOf(`${m[3]}:${m[4]}`);
    if (end <= start) {
        end += 24 * 60;
    }
    return { start, end };
}

/** [start, end) minutes of the week of a `ddd:hh24:mi-ddd:hh24:mi` window, or undefined when malformed. */
function weeklyWindow(value: string): { start: number; end: number } | undefined {
    const m = /^(sun|mon|tue|wed|thu|fri|sat):([01]\d|2[0-3]):([0-5]\d)-(sun|mon|tue|wed|thu|fri|sat):([01]\d|2[0-3]):([0-5]\d)$/.exec(value.toLowerCase());
    if (!m) {
        return undefined;
    }
    const start = DAYS.indexOf(m[1]) * 1440 + minutesOf(`${m[2]}:${m[3]}`);
    let end = DAYS.indexOf(m[4]) * 1440 + minutesOf(`${m[5]}:${m[6]}`);
    if (end <= start) {
        end += 7 * 1440;
    }
    return { start, end };
}

/** True when the daily backup window intersects the weekly maintenance window (on any day, with wrap-around). */
function windowsOverlap(backup: { start: number; end: number }, maintenance: { start: number; end: number }): boolean {
    const week = 7 * 1440;
    for (let day = -1; day <= 7; day++) {
        const bs = day * 1440 + backup.start;
        const be = day * 1440 + backup.end;
        for (const shift of [-week, 0, week]) {
            if (bs < maintenance.end + shift && maintenance.start + shift < be) {
                return true;
            }
        }
    }
    return false;
}

const PG_IDENTIFIER = /^[a-z][a-z0-9_]{0,62}$/;
const DYNAMO_NAME = /^[A-Za-z0-9_.-]{3,255}$/;
const DYNAMO_ATTRIBUTE = /^[\s\S]{1,255}$/;

/**
 * The engine version rule: an Aurora PostgreSQL major (16) or major.minor (16.4), 13 or later.
 * Pure and exported, so the config validator reports it under its own key before any resource exists.
 */
export function auroraEngineVersionRule(engineVersion: string): { readonly allowed: string; readonly fix: string } | undefined {
    if (!/^\d{2}(\.\d{1,2})?$/.test(engineVersion)) {
        return { allowed: "must be an Aurora PostgreSQL major (16) or major.minor (16.4) version", fix: "use e.g. 16" };
    }
    if (Number(engineVersion.split(".")[0]) < 13) {
        return { allowed: "must be Aurora PostgreSQL 13 or later (earlier majors are past end of standard support)", fix: "use e.g. 16" };
    }
    return undefined;
}

function validateSql(name: string, sql: DataTierSqlArgs, p: Problems): void {
    const L = DATA_TIER_LIMITS;
    const D = DATA_TIER_DEFAULTS;
    const k = (field: string) => `sql.${field}`;

    p.check(
        isInteger(sql.availabilityZoneCount) && sql.availabilityZoneCount >= L.minAzs,
        k("availabilityZoneCount"),
        sql.availabilityZoneCount,
        `must be >= ${L.minAzs}: a DB subnet group must span at least ${L.minAzs} Availability Zones`,
        "pass the isolated subnets of at least 2 AZs",
    );
    if (Array.isArray(sql.availabilityZoneNames)) {
        p.check(
            sql.availabilityZoneNames.length === sql.availabilityZoneCount,
            k("availabilityZoneNames"),
            sql.availabilityZoneNames,
            `must list exactly availabilityZoneCount (${sql.availabilityZoneCount}) AZs, in subnet order`,
            "pass the AZs of the isolated subnets",
        );
    }

    const clusterId = sql.clusterIdentifier ?? defaultClusterIdentifier(pulumi.getProject(), pulumi.getStack(), name);
    p.check(
        /^[a-z]([a-z0-9]|-(?!-))*$/.test(clusterId) && !clusterId.endsWith("-") && clusterId.length <= L.clusterIdentifierMax,
        k("clusterIdentifier"),
        clusterId,
        `must be 1-${L.clusterIdentifierMax} lowercase letters, digits and hyphens, start with a letter, without "--" or a trailing hyphen`,
        sql.clusterIdentifier === undefined ? "set sql.clusterIdentifier explicitly (the default <project>-<stack>-<name> is not valid)" : "rename the cluster",
    );

    const version = auroraEngineVersionRule(sql.engineVersion);
    if (version !== undefined) {
        p.add(k("engineVersion"), sql.engineVersion, version.allowed, version.fix);
    }

    const instanceClass = sql.instanceClass ?? D.instanceClass;
    const serverless = instanceClass === "db.serverless";
    p.check(
        serverless || /^db\.[a-z0-9]+\.[a-z0-9]+$/.test(instanceClass),
        k("instanceClass"),
        instanceClass,
        "must be db.serverless or a DB instance class such as db.r7g.large",
        "correct the instance class",
    );

    const countOk = p.check(
        isInteger(sql.instanceCount) && sql.instanceCount >= L.instanceCountMin && sql.instanceCount <= L.instanceCountMax,
        k("instanceCount"),
        sql.instanceCount,
        `must be ${L.instanceCountMin}-${L.instanceCountMax} (a writer and up to 15 readers)`,
        "use 2 or 3 for Multi-AZ",
    );
    const readers = countOk ? sql.instanceCount - 1 : 0;
    if (sql.readerMaxCount !== undefined) {
        p.check(
            isInteger(sql.readerMaxCount) && sql.readerMaxCount >= readers && sql.readerMaxCount <= L.readerMax,
            k("readerMaxCount"),
            sql.readerMaxCount,
            `must be between the configured readers (instanceCount - 1 = ${readers}) and ${L.readerMax}`,
            "raise it to at least the configured readers, or lower instanceCount",
        );
    }
    const cpu = sql.readerCpuTargetPercent ?? D.readerCpuTargetPercent;
    p.check(typeof cpu === "number" && cpu >= 10 && cpu <= 90, k("readerCpuTargetPercent"), cpu, "must be 10-90 percent", "use e.g. 70");

    if (serverless) {
        const min = sql.minCapacity ?? D.minCapacity;
        const max = sql.maxCapacity ?? D.maxCapacity;
        const acu = (v: number) => typeof v === "number" && v >= L.acuMin && v <= L.acuMax && Number.isInteger(v * 2);
        const minOk = p.check(acu(min), k("minCapacity"), min, `must be ${L.acuMin}-${L.acuMax} ACUs in steps of 0.5`, "use e.g. 0.5");
        const maxOk = p.check(acu(max) && max >= L.acuMaxFloor, k("maxCapacity"), max, `must be ${L.acuMaxFloor}-${L.acuMax} ACUs in steps of 0.5`, "use e.g. 4");
        if (minOk && maxOk) {
            p.check(min <= max, k("minCapacity"), min, `must not exceed maxCapacity (${max})`, "lower the minimum or raise the maximum");
        }
        if (minOk && min === 0) {
            p.check(
                sql.secondsUntilAutoPause !== undefined,
                k("minCapacity"),
                min,
                "0 ACUs is allowed only with auto-pause (secondsUntilAutoPause)",
                "set secondsUntilAutoPause (300-86400) or use a minimum of 0.5",
            );
        }
        if (sql.secondsUntilAutoPause !== undefined) {
            p.check(
                isInteger(sql.secondsUntilAutoPause) && sql.secondsUntilAutoPause >= L.autoPauseMin && sql.secondsUntilAutoPause <= L.autoPauseMax,
                k("secondsUntilAutoPause"),
                sql.secondsUntilAutoPause,
                `must be ${L.autoPauseMin}-${L.autoPauseMax} seconds`,
                "use e.g. 3600",
            );
            p.check(min === 0, k("secondsUntilAutoPause"), sql.secondsUntilAutoPause, "applies only when minCapacity is 0", "set minCapacity to 0 or remove secondsUntilAutoPause");
        }
    } else {
        for (const field of ["minCapacity", "maxCapacity", "secondsUntilAutoPause"] as const) {
            p.check(
                sql[field] === undefined,
                k(field),
                sql[field],
                `applies only to instanceClass db.serverless (instanceClass is ${instanceClass})`,
                `remove ${field} or use db.serverless`,
            );
        }
    }

    const backup = sql.backupRetentionDays ?? D.backupRetentionDays;
    p.check(
        isInteger(backup) && backup >= L.backupRetentionMin && backup <= L.backupRetentionMax,
        k("backupRetentionDays"),
        backup,
        `must be ${L.backupRetentionMin}-${L.backupRetentionMax} days`,
        "use e.g. 7 (35 in prod)",
    );

    const bw = sql.preferredBackupWindow ?? D.preferredBackupWindow;
    const mw = sql.preferredMaintenanceWindow ?? D.preferredMaintenanceWindow;
    const backupWindow = dailyWindow(bw);
    const maintenanceWindow = weeklyWindow(mw);
    if (p.check(backupWindow !== undefined, k("preferredBackupWindow"), bw, "must be a UTC window hh24:mi-hh24:mi", "use e.g. 02:00-03:00")) {
        p.check((backupWindow?.end ?? 0) - (backupWindow?.start ?? 0) >= 30, k("preferredBackupWindow"), bw, "must be at least 30 minutes long", "widen the window");
    }
    if (p.check(maintenanceWindow !== undefined, k("preferredMaintenanceWindow"), mw, "must be a UTC window ddd:hh24:mi-ddd:hh24:mi", "use e.g. sun:03:30-sun:04:30")) {
        p.check((maintenanceWindow?.end ?? 0) - (maintenanceWindow?.start ?? 0) >= 30, k("preferredMaintenanceWindow"), mw, "must be at least 30 minutes long", "widen the window");
    }
    if (backupWindow !== undefined && maintenanceWindow !== undefined) {
        p.check(
            !windowsOverlap(backupWindow, maintenanceWindow),
            k("preferredMaintenanceWindow"),
            mw,
            `must not overlap the daily backup window (${bw})`,
            "move one of the windows",
        );
    }

    const pi = sql.performanceInsightsRetentionDays ?? D.performanceInsightsRetentionDays;
    // RDS API: 7, month * 31 for months 1-23, or 731 (2 years).
    p.check(
        pi === 7 || pi === 731 || (isInteger(pi) && pi % 31 === 0 && pi >= 31 && pi <= 713),
        k("performanceInsightsRetentionDays"),
        pi,
        "must be 7, a multiple of 31 from 31 to 713 (1-23 months), or 731",
        "use 7 (free tier), e.g. 93, or 731",
    );

    const interval = sql.monitoringIntervalSeconds ?? D.monitoringIntervalSeconds;
    p.check(
        (L.monitoringIntervals as readonly number[]).includes(interval),
        k("monitoringIntervalSeconds"),
        interval,
        `must be one of ${L.monitoringIntervals.join(", ")}`,
        "use 60 (or 0 to disable enhanced monitoring)",
    );

    const logRetention = sql.logRetentionDays ?? D.logRetentionDays;
    p.check(
        (L.logRetentionDays as readonly number[]).includes(logRetention),
        k("logRetentionDays"),
        logRetention,
        `must be a CloudWatch Logs retention value (${L.logRetentionDays.join(", ")})`,
        "use e.g. 365",
    );
    const slow = sql.logMinDurationStatementMs ?? D.logMinDurationStatementMs;
    p.check(isInteger(slow) && slow >= -1, k("logMinDurationStatementMs"), slow, "must be -1 (disabled) or a whole number of milliseconds >= 0", "use e.g. 1000");

    p.check(
        PG_IDENTIFIER.test(sql.databaseName),
        k("databaseName"),
        sql.databaseName,
        "must start with a letter and contain only lowercase letters, digits and underscores (max 63)",
        "rename the database",
    );
    const master = sql.masterUsername ?? D.masterUsername;
    p.check(
        PG_IDENTIFIER.test(master) && !["rdsadmin", "rds_superuser", "rds_iam", "rds_replication", "rds_password"].includes(master),
        k("masterUsername"),
        master,
        "must be a PostgreSQL identifier (lowercase letters, digits, underscores; starts with a letter; <= 63) and not an RDS reserved role",
        "use e.g. postgres",
    );
    const iamUser = sql.iamDatabaseUser ?? D.iamDatabaseUser;
    if (
        p.check(
            PG_IDENTIFIER.test(iamUser),
            k("iamDatabaseUser"),
            iamUser,
            "must be a PostgreSQL identifier (lowercase letters, digits, underscores; starts with a letter; <= 63)",
            "use e.g. app",
        )
    ) {
        p.check(
            iamUser !== master,
            k("iamDatabaseUser"),
            iamUser,
            "must differ from the master user (services must not connect as the master user)",
            "use a dedicated user, e.g. app",
        );
    }
}

/**
 * Validates one DynamoDB table against DynamoDB's rules, reporting under `path`. Exported so the
 * config validator applies exactly these rules to `platform:dynamoTables` before any resource exists.
 */
export function validateTable(component: string, t: DynamoTableArgs, path: string, p: Problems): void {
    const L = DATA_TIER_LIMITS;
    const nameOk = p.check(DYNAMO_NAME.test(t.name), `${path}.name`, t.name, "must be 3-255 letters, digits, _ . -", "rename the table");
    if (nameOk) {
        const physical = tableLogicalName(component, t.name).length + AUTONAME_SUFFIX_LENGTH;
        p.check(
            physical <= L.dynamoNameMax,
            `${path}.name`,
            t.name,
            `is too long: "${tableLogicalName(component, t.name)}" plus Pulumi's ${AUTONAME_SUFFIX_LENGTH}-character suffix is ${physical} characters, over DynamoDB's ${L.dynamoNameMax}`,
            "shorten the table name",
        );
    }

    // Attribute definitions are built from key attributes only (DynamoDB rejects unused definitions),
    // so one attribute used by several keys must have one type.
    const types = new Map<string, { type: string; where: string }>();
    const key = (k: DynamoKey | undefined, where: string) => {
        if (k === undefined) {
            return;
        }
        p.check(DYNAMO_ATTRIBUTE.test(k.name), `${where}.name`, k.name, "must be a 1-255 character attribute name", "rename the attribute");
        p.check(["S", "N", "B"].includes(k.type), `${where}.type`, k.type, "must be S, N or B (key attributes are scalar)", "use S, N or B");
        const seen = types.get(k.name);
        if (seen === undefined) {
            types.set(k.name, { type: k.type, where });
        } else {
            p.check(
                seen.type === k.type,
                `${where}.type`,
                k.type,
                `must match the type of attribute "${k.name}" at ${seen.where} (${seen.type}): an attribute has one definition`,
                "use one type for the attribute",
            );
        }
    };
    key(t.partitionKey, `${path}.partitionKey`);
    key(t.sortKey, `${path}.sortKey`);
    if (t.sortKey !== undefined) {
        p.check(t.sortKey.name !== t.partitionKey.name, `${path}.sortKey.name`, t.sortKey.name, "must differ from the partition key", "pick another sort key attribute");
    }

    const tableKeys = new Set([t.partitionKey.name, ...(t.sortKey ? [t.sortKey.name] : [])]);
    p.check(
        t.globalSecondaryIndexes.length <= L.dynamoGsiMax,
        `${path}.globalSecondaryIndexes`,
        t.globalSecondaryIndexes.length,
        `a table allows at most ${L.dynamoGsiMax} global secondary indexes`,
        "remove indexes",
    );
    const gsiNames = new Set<string>();
    const projected = new Set<string>();
    t.globalSecondaryIndexes.forEach((g, i) => {
        const gp = `${path}.globalSecondaryIndexes[${i}]`;
        p.check(DYNAMO_NAME.test(g.name), `${gp}.name`, g.name, "must be 3-255 letters, digits, _ . -", "rename the index");
        p.check(!gsiNames.has(g.name), `${gp}.name`, g.name, "index names must be unique in a table", "rename the index");
        gsiNames.add(g.name);
        key(g.partitionKey, `${gp}.partitionKey`);
        key(g.sortKey, `${gp}.sortKey`);
        if (g.sortKey !== undefined) {
            p.check(g.sortKey.name !== g.partitionKey.name, `${gp}.sortKey.name`, g.sortKey.name, "must differ from the index partition key", "pick another sort key attribute");
        }
        p.check(["ALL", "KEYS_ONLY", "INCLUDE"].includes(g.projectionType), `${gp}.projectionType`, g.projectionType, "must be ALL, KEYS_ONLY or INCLUDE", "pick a projection");
        if (g.projectionType === "INCLUDE") {
            p.check(
                g.nonKeyAttributes.length > 0,
                `${gp}.nonKeyAttributes`,
                g.nonKeyAttributes,
                "must list at least one attribute when projectionType is INCLUDE",
                "list the attributes to project, or use KEYS_ONLY",
            );
        } else {
            p.check(
                g.nonKeyAttributes.length === 0,
                `${gp}.nonKeyAttributes`,
                g.nonKeyAttributes,
                `must be empty unless projectionType is INCLUDE (it is ${g.projectionType})`,
                "remove them or use INCLUDE",
            );
        }
        const indexKeys = new Set([...tableKeys, g.partitionKey.name, ...(g.sortKey ? [g.sortKey.name] : [])]);
        g.nonKeyAttributes.forEach((a, j) => {
            p.check(!indexKeys.has(a), `${gp}.nonKeyAttributes[${j}]`, a, "must not be a table or index key attribute (keys are always projected)", "remove it");
            projected.add(a);
        });
    });
    p.check(
        projected.size <= L.dynamoProjectedAttributesMax,
        `${path}.globalSecondaryIndexes`,
        projected.size,
        `at most ${L.dynamoProjectedAttributesMax} distinct nonKeyAttributes across a table's indexes`,
        "project fewer attributes or use ALL",
    );

    if (t.ttlAttribute !== undefined) {
        p.check(DYNAMO_ATTRIBUTE.test(t.ttlAttribute), `${path}.ttlAttribute`, t.ttlAttribute, "must be a 1-255 character attribute name", "rename the attribute");
        const keyType = types.get(t.ttlAttribute);
        p.check(
            keyType === undefined || keyType.type === "N",
            `${path}.ttlAttribute`,
            t.ttlAttribute,
            `is a key attribute of type ${keyType?.type ?? ""}: TTL needs a Number (epoch seconds)`,
            "use a Number attribute for TTL",
        );
    }

    if (t.billingMode === "PROVISIONED") {
        p.check(
            isInteger(t.readCapacity) && t.readCapacity >= 1 && isInteger(t.writeCapacity) && t.writeCapacity >= 1,
            `${path}.readCapacity`,
            { readCapacity: t.readCapacity, writeCapacity: t.writeCapacity },
            "PROVISIONED tables need readCapacity and writeCapacity >= 1 (they also apply to every GSI)",
            "set both capacities or use PAY_PER_REQUEST",
        );
    } else if (t.billingMode === "PAY_PER_REQUEST") {
        p.check(
            t.readCapacity === undefined && t.writeCapacity === undefined,
            `${path}.readCapacity`,
            { readCapacity: t.readCapacity, writeCapacity: t.writeCapacity },
            "capacities apply only to PROVISIONED tables",
            "remove them or set billingMode: PROVISIONED",
        );
    } else {
        p.add(`${path}.billingMode`, t.billingMode, "must be PAY_PER_REQUEST or PROVISIONED", "use PAY_PER_REQUEST (on-demand) unless the load is steady");
    }
    if (t.streamView !== undefined) {
        p.check(
            ["NEW_IMAGE", "OLD_IMAGE", "NEW_AND_OLD_IMAGES", "KEYS_ONLY"].includes(t.streamView),
            `${path}.streamView`,
            t.streamView,
            "must be NEW_IMAGE, OLD_IMAGE, NEW_AND_OLD_IMAGES or KEYS_ONLY",
            "pick a stream view",
        );
    }
}

/**
 * Validates DataTier args against the AWS rules of the chosen kind. Pure (reads only the Pulumi
 * project and stack for the default cluster identifier): returns every problem.
 */
export function validateDataTierArgs(name: string, args: DataTierArgs): Problem[] {
    const p = new Problems();
    if (!p.check(args.kind === "sql" || args.kind === "nosql", "kind", args.kind, "must be sql (Aurora PostgreSQL) or nosql (DynamoDB)", "set kind to sql or nosql")) {
        return [...p.list];
    }
    if (args.kind === "sql") {
        if (args.sql === undefined) {
            p.add("sql", undefined, "is required when kind is sql", "pass the sql settings");
        } else {
            validateSql(name, args.sql, p);
        }
        return [...p.list];
    }
    const nosql = args.nosql;
    if (nosql === undefined) {
        p.add("nosql", undefined, "is required when kind is nosql", "pass the nosql settings");
    } else {
        p.check(nosql.tables.length > 0, "nosql.tables", nosql.tables, "at least one table is required when kind is nosql", "add a table");
        const names = new Set<string>();
        nosql.tables.forEach((t, i) => {
            p.check(!names.has(t.name), `nosql.tables[${i}].name`, t.name, "table names must be unique", "rename one of the tables");
            names.add(t.name);
            validateTable(name, t, `nosql.tables[${i}]`, p);
        });
        const pitr = nosql.pointInTimeRecoveryDays ?? DATA_TIER_DEFAULTS.pointInTimeRecoveryDays;
        p.check(
            isInteger(pitr) && pitr >= DATA_TIER_LIMITS.pitrMin && pitr <= DATA_TIER_LIMITS.pitrMax,
            "nosql.pointInTimeRecoveryDays",
            pitr,
            `must be ${DATA_TIER_LIMITS.pitrMin}-${DATA_TIER_LIMITS.pitrMax} days`,
            "use 35",
        );
    }
    return [...p.list];
}

/** The attribute definitions of a table: exactly its table and index key attributes, each once. */
export function attributeDefinitions(t: DynamoTableArgs): { name: string; type: string }[] {
    const keys = [t.partitionKey, t.sortKey, ...t.globalSecondaryIndexes.flatMap((g) => [g.partitionKey, g.sortKey])].filter((k): k is DynamoKey => k !== undefined);
    const seen = new Map<string, string>();
    for (const k of keys) {
        if (!seen.has(k.name)) {
            seen.set(k.name, k.type);
        }
    }
    return [...seen].map(([n, type]) => ({ name: n, type }));
}

/** Account, Region and partition of an ARN (`arn:<partition>:<service>:<region>:<account>:...`). */
/** DynamoDB item actions a service needs (no table management, no PartiQL, Scan only on request). */
export function dynamoItemActions(allowScan: boolean): string[] {
    return [
        "dynamodb:GetItem",
        "dynamodb:PutItem",
        "dynamodb:UpdateItem",
        "dynamodb:DeleteItem",
        "dynamodb:Query",
        "dynamodb:BatchGetItem",
        "dynamodb:BatchWriteItem",
        "dynamodb:ConditionCheckItem",
        ...(allowScan ? ["dynamodb:Scan"] : []),
    ];
}

/** The outputs both kinds share (the component's public shape, minus `kind` and `kmsKeyArn`). */
interface DataTierOutputs {
    readonly endpoint: pulumi.Output<string>;
    readonly readerEndpoint: pulumi.Output<string>;
    readonly port: pulumi.Output<number>;
    readonly secretArn: pulumi.Output<string | undefined>;
    readonly securityGroupId: pulumi.Output<string | undefined>;
    readonly tableNames: pulumi.Output<Record<string, string>>;
    readonly tableArns: pulumi.Output<Record<string, string>>;
    readonly clientPolicyStatements: pulumi.Output<PolicyStatement[]>;
}

export class DataTier extends pulumi.ComponentResource {
    public readonly kind: DataKind;
    /** Writer endpoint (sql) or the first table's name (nosql). */
    public readonly endpoint: pulumi.Output<string>;
    /** Reader endpoint (sql) or the first table's name (nosql). */
    public readonly readerEndpoint: pulumi.Output<string>;
    /** 5432 (sql) or 443 (nosql, HTTPS). */
    public readonly port: pulumi.Output<number>;
    /** The RDS-managed master user secret (sql); undefined for nosql. */
    public readonly secretArn: pulumi.Output<string | undefined>;
    public readonly kmsKeyArn: pulumi.Output<string>;
    /** The database's security group, with no rules of its own (sql); undefined for nosql. */
    public readonly securityGroupId: pulumi.Output<string | undefined>;
    /** Config table name -> physical table name (nosql); empty for sql. */
    public readonly tableNames: pulumi.Output<Record<string, string>>;
    /** Config table name -> table ARN (nosql); empty for sql. */
    public readonly tableArns: pulumi.Output<Record<string, string>>;
    /** Statements for a consuming service's task role. */
    public readonly clientPolicyStatements: pulumi.Output<PolicyStatement[]>;
    /**
     * Database user services sign in as with IAM authentication (sql; the user `clientPolicyStatements`
     * grant `rds-db:connect` for); undefined for nosql.
     */
    public readonly iamDatabaseUser?: string;

    constructor(name: string, args: DataTierArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:data:DataTier", name, {}, opts);

        const problems = validateDataTierArgs(name, args);
        if (problems.length > 0) {
            throw new ValidationError(`DataTier "${name}"`, problems);
        }

        const protect = args.protect ?? DATA_TIER_DEFAULTS.protect;
        // Stateful resources: Pulumi refuses to delete them (protect) and never deletes them from AWS (retainOnDelete).
        const stateful: pulumi.CustomResourceOptions = { parent: this, protect, retainOnDelete: protect };
        const keyArn = pulumi.output(args.dataKmsKeyArn);

        const out =
            args.kind === "sql" && args.sql !== undefined ? this.sqlOutputs(name, args.sql, args, keyArn, protect, stateful) : this.nosqlOutputs(name, args, keyArn, stateful);
        this.kind = args.kind;
        this.endpoint = out.endpoint;
        this.readerEndpoint = out.readerEndpoint;
        this.port = out.port;
        this.secretArn = out.secretArn;
        this.securityGroupId = out.securityGroupId;
        this.tableNames = out.tableNames;
        this.tableArns = out.tableArns;
        this.clientPolicyStatements = out.clientPolicyStatements;
        this.kmsKeyArn = keyArn;
        this.iamDatabaseUser = args.kind === "sql" ? (args.sql?.iamDatabaseUser ?? DATA_TIER_DEFAULTS.iamDatabaseUser) : undefined;

        this.registerOutputs({
            kind: this.kind,
            endpoint: this.endpoint,
            readerEndpoint: this.readerEndpoint,
            port: this.port,
            secretArn: this.secretArn,
            kmsKeyArn: this.kmsKeyArn,
            securityGroupId: this.securityGroupId,
            tableNames: this.tableNames,
            tableArns: this.tableArns,
            clientPolicyStatements: this.clientPolicyStatements,
            iamDatabaseUser: this.iamDatabaseUser,
        });
    }

    /** Outputs of the sql kind: the cluster's endpoints, secret and security group, IAM-auth grants. */
    private sqlOutputs(
        name: string,
        sql: DataTierSqlArgs,
        args: DataTierArgs,
        keyArn: pulumi.Output<string>,
        protect: boolean,
        stateful: pulumi.CustomResourceOptions,
    ): DataTierOutputs {
        const deletionProtection = args.deletionProtection ?? DATA_TIER_DEFAULTS.deletionProtection;
        const out = this.createSql(name, sql, args.dataKmsKeyArn, deletionProtection, protect, stateful);
        const iamUser = sql.iamDatabaseUser ?? DATA_TIER_DEFAULTS.iamDatabaseUser;
        const grantSecret = sql.grantMasterSecret ?? DATA_TIER_DEFAULTS.grantMasterSecret;
        return {
            endpoint: out.cluster.endpoint,
            readerEndpoint: out.cluster.readerEndpoint,
            port: pulumi.output(POSTGRES_PORT),
            secretArn: out.secretArn,
            securityGroupId: out.securityGroup.id.apply((id): string | undefined => id),
            tableNames: pulumi.output<Record<string, string>>({}),
            tableArns: pulumi.output<Record<string, string>>({}),
            clientPolicyStatements: pulumi.all([out.cluster.arn, out.cluster.clusterResourceId, out.secretArn, keyArn]).apply(([clusterArn, resourceId, secretArn, key]) => {
                const { partition, region, account } = arnParts(clusterArn);
                const statements: PolicyStatement[] = [
                    {
                        Sid: "ConnectWithIamAuth",
                        Effect: "Allow",
                        Action: ["rds-db:connect"],
                        Resource: [`arn:${partition}:rds-db:${region}:${account}:dbuser:${resourceId}/${iamUser}`],
                    },
                ];
                if (grantSecret && secretArn !== undefined) {
                    statements.push({ Sid: "ReadMasterSecret", Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: [secretArn] });
                    statements.push({
                        Sid: "DecryptMasterSecret",
                        Effect: "Allow",
                        Action: ["kms:Decrypt"],
                        Resource: [key],
                        Condition: viaServiceCondition("secretsmanager", secretArn),
                    });
                }
                return statements;
            }),
        };
    }

    /** Outputs of the nosql kind: table names and ARNs, item-level grants on tables and their indexes. */
    private nosqlOutputs(name: string, args: DataTierArgs, keyArn: pulumi.Output<string>, stateful: pulumi.CustomResourceOptions): DataTierOutputs {
        const nosql: DataTierNoSqlArgs = args.nosql ?? { tables: [] };
        const deletionProtection = args.deletionProtection ?? DATA_TIER_DEFAULTS.deletionProtection;
        const tables = this.createTables(name, nosql, args.dataKmsKeyArn, deletionProtection, stateful);
        const names = pulumi.all(tables.map((t) => t.table.name)).apply((physical) => Object.fromEntries(tables.map((t, i) => [t.name, physical[i]])));
        const arns = pulumi.all(tables.map((t) => t.table.arn)).apply((list) => Object.fromEntries(tables.map((t, i) => [t.name, list[i]])));
        const actions = dynamoItemActions(nosql.allowScan ?? DATA_TIER_DEFAULTS.allowScan);
        return {
            endpoint: tables[0].table.name,
            readerEndpoint: tables[0].table.name,
            port: pulumi.output(HTTPS_PORT),
            secretArn: pulumi.output<string | undefined>(undefined),
            securityGroupId: pulumi.output<string | undefined>(undefined),
            tableNames: names,
            tableArns: arns,
            clientPolicyStatements: pulumi.all([arns, keyArn]).apply(([byName, key]): PolicyStatement[] => [
                { Sid: "ReadWriteItems", Effect: "Allow", Action: actions, Resource: Object.values(byName).flatMap((arn) => [arn, `${arn}/index/*`]) },
                { Sid: "UseTableKey", Effect: "Allow", Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: [key], Condition: viaServiceCondition("dynamodb", key) },
            ]),
        };
    }

    private createSql(
        name: string,
        sql: DataTierSqlArgs,
        dataKey: pulumi.Input<string>,
        deletionProtection: pulumi.Input<boolean>,
        protect: boolean,
        stateful: pulumi.CustomResourceOptions,
    ) {
        const D = DATA_TIER_DEFAULTS;
        // Supporting resources a retained cluster still uses: kept when the cluster is kept.
        const retained: pulumi.CustomResourceOptions = { parent: this, retainOnDelete: protect };
        const clusterIdentifier = sql.clusterIdentifier ?? defaultClusterIdentifier(pulumi.getProject(), pulumi.getStack(), name);
        const major = sql.engineVersion.split(".")[0];
        const instanceClass = sql.instanceClass ?? D.instanceClass;
        const serverless = instanceClass === "db.serverless";
        const interval = sql.monitoringIntervalSeconds ?? D.monitoringIntervalSeconds;
        const readers = sql.instanceCount - 1;
        const readerMax = sql.readerMaxCount ?? readers;

        const subnetGroup = new aws.rds.SubnetGroup(`${name}-subnets`, { description: `Isolated subnets of ${clusterIdentifier}`, subnetIds: sql.subnetIds }, retained);

        // No inline ingress/egress: inline rule blocks would make this group own all its rules and
        // revoke the ingress rules InternalAlbService adds per consuming service. Without them, the
        // provider removes the default allow-all egress at creation, so the group starts with no rules.
        const securityGroup = new aws.ec2.SecurityGroup(
            `${name}-db`,
            { description: `Aurora PostgreSQL ${clusterIdentifier}: ingress only from services that declare the database`, vpcId: sql.vpcId, revokeRulesOnDelete: true },
            retained,
        );

        const parameterGroup = new aws.rds.ClusterParameterGroup(
            `${name}-params`,
            {
                family: `aurora-postgresql${major}`,
                description: `TLS-only Aurora PostgreSQL ${major} (${clusterIdentifier})`,
                parameters: [
                    // Refuse non-TLS connections.
                    { name: "rds.force_ssl", value: "1" },
                    // Audit trail of who connected from where (CIS PostgreSQL 3.1.x), without statement text.
                    { name: "log_connections", value: "1" },
                    { name: "log_disconnections", value: "1" },
                    // Slow statements only; logging every statement could leak data values into logs.
                    { name: "log_min_duration_statement", value: String(sql.logMinDurationStatementMs ?? D.logMinDurationStatementMs) },
                ],
            },
            retained,
        );

        // Pre-created so every exported log group is KMS-encrypted and has retention; RDS would
        // otherwise create them unencrypted with logs kept forever. RDS writes each export to
        // /aws/rds/cluster/<cluster id>/<log type>.
        const logGroups = AURORA_LOG_EXPORTS.map(
            (logType) =>
                new aws.cloudwatch.LogGroup(
                    `${name}-${logType}-logs`,
                    { name: `/aws/rds/cluster/${clusterIdentifier}/${logType}`, kmsKeyId: sql.logsKmsKeyArn, retentionInDays: sql.logRetentionDays ?? D.logRetentionDays },
                    retained,
                ),
        );

        let monitoringRole: aws.iam.Role | undefined;
        if (interval > 0) {
            const account = pulumi.output(dataKey).apply((arn) => arnParts(arn));
            monitoringRole = new aws.iam.Role(
                `${name}-monitoring`,
                {
                    description: `RDS enhanced monitoring of ${clusterIdentifier}`,
                    assumeRolePolicy: account.apply(({ account: id }) =>
                        JSON.stringify({
                            Version: "2012-10-17",
                            Statement: [
                                {
                                    Effect: "Allow",
                                    Principal: { Service: "monitoring.rds.amazonaws.com" },
                                    Action: ["sts:AssumeRole"],
                                    // Confused-deputy guard: only RDS acting for this account.
                                    Condition: { StringEquals: { "aws:SourceAccount": id } },
                                },
                            ],
                        }),
                    ),
                },
                retained,
            );
            new aws.iam.RolePolicyAttachment(
                `${name}-monitoring`,
                { role: monitoringRole.name, policyArn: account.apply(({ partition }) => `arn:${partition}:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole`) },
                retained,
            );
        }

        // The cluster's `availabilityZones` is deliberately not set ("3 AZs or none"): RDS always
        // spreads Aurora storage over 3 AZs and reports 3, so fewer cause a permanent diff, and the
        // field forces replacement, so growing a 2-AZ network to 3 would replace the cluster.
        // Compute placement is set per instance instead.
        const cluster = new aws.rds.Cluster(
            `${name}-cluster`,
            {
                clusterIdentifier,
                engine: ENGINE,
                engineMode: "provisioned",
                engineVersion: sql.engineVersion,
                databaseName: sql.databaseName,
                port: POSTGRES_PORT,
                masterUsername: sql.masterUsername ?? D.masterUsername,
                manageMasterUserPassword: true,
                masterUserSecretKmsKeyId: dataKey,
                iamDatabaseAuthenticationEnabled: true,
                storageEncrypted: true,
                kmsKeyId: dataKey,
                // `id` is the group's name for both resources; referencing it (rather than `name`)
                // also works where only the id is known (the offline mock plan).
                dbSubnetGroupName: subnetGroup.id,
                vpcSecurityGroupIds: [securityGroup.id],
                dbClusterParameterGroupName: parameterGroup.id,
                backupRetentionPeriod: sql.backupRetentionDays ?? D.backupRetentionDays,
                preferredBackupWindow: sql.preferredBackupWindow ?? D.preferredBackupWindow,
                preferredMaintenanceWindow: sql.preferredMaintenanceWindow ?? D.preferredMaintenanceWindow,
                copyTagsToSnapshot: true,
                deletionProtection,
                skipFinalSnapshot: false,
                finalSnapshotIdentifier: `${clusterIdentifier}-final`,
                // Keep automated backups after the cluster is deleted (restorable for their retention).
                deleteAutomatedBackups: false,
                enabledCloudwatchLogsExports: [...AURORA_LOG_EXPORTS],
                ...(serverless
                    ? {
                          serverlessv2ScalingConfiguration: {
                              minCapacity: sql.minCapacity ?? D.minCapacity,
                              maxCapacity: sql.maxCapacity ?? D.maxCapacity,
                              ...(sql.secondsUntilAutoPause !== undefined ? { secondsUntilAutoPause: sql.secondsUntilAutoPause } : {}),
                          },
                      }
                    : {}),
            },
            { ...stateful, dependsOn: logGroups },
        );

        const azs = sql.availabilityZoneNames !== undefined ? pulumi.output(sql.availabilityZoneNames) : undefined;
        const instances: aws.rds.ClusterInstance[] = [];
        for (let i = 0; i < sql.instanceCount; i++) {
            // The first instance is created first, so it becomes the writer. Serverless v2 readers in
            // promotion tiers 0-1 scale with the writer: the first reader (tier 1) is the failover
            // target and always sized to take over; further readers (tier 2) scale on their own load.
            const promotionTier = i === 0 ? 0 : i === 1 ? 1 : 2;
            instances.push(
                new aws.rds.ClusterInstance(
                    `${name}-instance-${i + 1}`,
                    {
                        clusterIdentifier: cluster.id,
                        engine: ENGINE,
                        instanceClass,
                        promotionTier,
                        publiclyAccessible: false,
                        autoMinorVersionUpgrade: true,
                        ...(azs !== undefined ? { availabilityZone: azs.apply((names) => names[i % names.length]) } : {}),
                        performanceInsightsEnabled: true,
                        performanceInsightsKmsKeyId: dataKey,
                        performanceInsightsRetentionPeriod: sql.performanceInsightsRetentionDays ?? D.performanceInsightsRetentionDays,
                        monitoringInterval: interval,
                        ...(monitoringRole !== undefined ? { monitoringRoleArn: monitoringRole.arn } : {}),
                    },
                    // The AZ is placement at creation: a later change of the AZ list (or an AZ an
                    // instance was restored into) must not replace a database instance.
                    { ...stateful, dependsOn: i === 0 ? [] : [instances[0]], ignoreChanges: ["availabilityZone"] },
                ),
            );
        }

        if (readerMax > readers) {
            // Aurora Auto Scaling adds readers beyond the configured ones (and removes only those it added).
            const target = new aws.appautoscaling.Target(
                `${name}-readers`,
                {
                    serviceNamespace: "rds",
                    scalableDimension: "rds:cluster:ReadReplicaCount",
                    resourceId: pulumi.interpolate`cluster:${cluster.clusterIdentifier}`,
                    minCapacity: readers,
                    maxCapacity: readerMax,
                },
                { parent: this, dependsOn: instances },
            );
            new aws.appautoscaling.Policy(
                `${name}-readers-cpu`,
                {
                    policyType: "TargetTrackingScaling",
                    serviceNamespace: target.serviceNamespace,
                    scalableDimension: target.scalableDimension,
                    resourceId: target.resourceId,
                    targetTrackingScalingPolicyConfiguration: {
                        predefinedMetricSpecification: { predefinedMetricType: "RDSReaderAverageCPUUtilization" },
                        targetValue: sql.readerCpuTargetPercent ?? D.readerCpuTargetPercent,
                        scaleInCooldown: 300,
                        scaleOutCooldown: 300,
                    },
                },
                { parent: this },
            );
        }

        const secretArn = cluster.masterUserSecrets.apply((secrets): string | undefined => secrets?.[0]?.secretArn);
        return { cluster, securityGroup, secretArn };
    }

    private createTables(name: string, nosql: DataTierNoSqlArgs, dataKey: pulumi.Input<string>, deletionProtection: pulumi.Input<boolean>, stateful: pulumi.CustomResourceOptions) {
        const pitrDays = nosql.pointInTimeRecoveryDays ?? DATA_TIER_DEFAULTS.pointInTimeRecoveryDays;
        return nosql.tables.map((t) => {
            const provisioned = t.billingMode === "PROVISIONED";
            const capacity = provisioned ? { readCapacity: t.readCapacity, writeCapacity: t.writeCapacity } : {};
            const table = new aws.dynamodb.Table(
                tableLogicalName(name, t.name),
                {
                    billingMode: t.billingMode,
                    ...capacity,
                    hashKey: t.partitionKey.name,
                    ...(t.sortKey !== undefined ? { rangeKey: t.sortKey.name } : {}),
                    attributes: attributeDefinitions(t),
                    ...(t.globalSecondaryIndexes.length > 0
                        ? {
                              globalSecondaryIndexes: t.globalSecondaryIndexes.map((g) => ({
                                  name: g.name,
                                  keySchemas: [
                                      { attributeName: g.partitionKey.name, keyType: "HASH" },
                                      ...(g.sortKey !== undefined ? [{ attributeName: g.sortKey.name, keyType: "RANGE" }] : []),
                                  ],
                                  projectionType: g.projectionType,
                                  ...(g.projectionType === "INCLUDE" ? { nonKeyAttributes: [...g.nonKeyAttributes] } : {}),
                                  ...capacity,
                              })),
                          }
                        : {}),
                    ...(t.ttlAttribute !== undefined ? { ttl: { attributeName: t.ttlAttribute, enabled: true } } : {}),
                    serverSideEncryption: { enabled: true, kmsKeyArn: dataKey },
                    pointInTimeRecovery: { enabled: true, recoveryPeriodInDays: pitrDays },
                    deletionProtectionEnabled: deletionProtection,
                    ...(t.streamView !== undefined ? { streamEnabled: true, streamViewType: t.streamView } : {}),
                },
                stateful,
            );
            if (t.contributorInsights) {
                new aws.dynamodb.ContributorInsights(`${tableLogicalName(name, t.name)}-insights`, { tableName: table.name }, { parent: this });
            }
            return { name: t.name, table };
        });
    }
}

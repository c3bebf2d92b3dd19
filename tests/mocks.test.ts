/**
 * The mock engine answers exactly the invokes the program uses, and fails loudly on any other: an
 * unmocked lookup must not quietly return junk that a test then accepts.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as assert from "assert";
import { MOCK_ACCOUNT_ID, PlatformMocks } from "../engine/mocks";
import { runOnMocks } from "../engine/run";

const mocks = new PlatformMocks({ project: "platform", stack: "test", region: "eu-west-1" });

describe("mock engine: invokes", () => {
    it("answers the invokes the program uses, with the stack's account and Region", () => {
        assert.strictEqual(mocks.call({ token: "aws:index/getCallerIdentity:getCallerIdentity", inputs: {} }).accountId, MOCK_ACCOUNT_ID);
        assert.strictEqual(mocks.call({ token: "aws:index/getPartition:getPartition", inputs: {} }).partition, "aws");
        assert.deepStrictEqual(mocks.call({ token: "aws:index/getAvailabilityZones:getAvailabilityZones", inputs: {} }).names, [
            "eu-west-1a",
            "eu-west-1b",
            "eu-west-1c",
            "eu-west-1d",
        ]);
    });

    it("throws on an invoke it does not know, naming it and where to add it", () => {
        assert.throws(
            () => mocks.call({ token: "aws:ec2/getAmi:getAmi", inputs: { mostRecent: true } }),
            (err: unknown) =>
                err instanceof Error && err.message === 'Unmocked invoke aws:ec2/getAmi:getAmi({"mostRecent":true}): add it to engine/mocks.ts if the program really needs it',
        );
    });

    it("throws on a CloudFront managed policy name it does not know, instead of inventing an id", () => {
        assert.throws(
            () => mocks.call({ token: "aws:cloudfront/getCachePolicy:getCachePolicy", inputs: { name: "Managed-NoSuchPolicy" } }),
            /aws:cloudfront\/getCachePolicy:getCachePolicy: no managed policy named Managed-NoSuchPolicy in the mock/,
        );
    });
});

describe("mock engine: runs", () => {
    it("rejects the run when an apply throws while the engine resolves a resource input, as the CLI fails the program", async () => {
        const created: string[] = [];
        await assert.rejects(
            runOnMocks(
                () => {
                    const policy = pulumi.output("ok").apply((): string => {
                        throw new Error("boom while building the policy");
                    });
                    new aws.iam.RolePolicy("p", { role: "r", policy });
                    new aws.sqs.Queue("q", {});
                },
                { onResource: (r) => created.push(r.name) },
            ),
            (err: unknown) => {
                assert.ok(err instanceof Error);
                assert.strictEqual(err.message, 'error serializing property "policy": boom while building the policy');
                return true;
            },
        );
        assert.deepStrictEqual(created, ["platform-test", "q"], "the resource whose input failed is not registered; the stack and the others are");
        // The listener is removed with the run: a later, healthy run resolves.
        const next = await runOnMocks(() => new aws.sqs.Queue("q2", {}));
        assert.deepStrictEqual(
            next.resources.map((r) => r.name),
            ["platform-test", "q2"],
        );
    });
});

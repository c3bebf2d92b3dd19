/** Generated files stay in sync with their sources, and the tag transform's rules hold. */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { KEYS, KEY_NAMES, KeySpec } from "../config/keys";
import { componentOf, defaultTagsTransform, isTaggable, tagsFor } from "../lib/tags";
import { renderComponentDocs } from "../scripts/component-docs";
import { renderConfigTable, renderPulumiYaml } from "../scripts/config-docs";
import { renderTaggableModule, taggableAwsTypes } from "../scripts/gen-taggable";

const ROOT = path.resolve(__dirname, "..");

describe("generated: Pulumi.yaml and README config table", () => {
    it("Pulumi.yaml is what `npm run config:docs` renders from config/keys.ts", () => {
        assert.strictEqual(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8"), renderPulumiYaml());
    });

    it('declares every declarable platform key with type, description and a default (profile keys: "profile", optional ones: ""); only required keys have none', () => {
        const project = parse(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8")) as {
            name: string;
            config: Record<string, { type: string; description: string; default?: unknown }>;
        };
        assert.strictEqual(project.name, "platform");
        const structured = KEY_NAMES.filter((k) => KEYS[k].type === "object[]");
        assert.deepStrictEqual(structured, ["services", "dynamoTables", "eventSubscriptions", "apiUsagePlans", "cdnApiCachePaths"]);
        assert.deepStrictEqual(
            Object.keys(project.config),
            KEY_NAMES.filter((k) => !structured.includes(k)),
        );
        for (const [key, decl] of Object.entries(project.config)) {
            assert.ok(["string", "integer", "boolean", "array"].includes(decl.type), key);
            assert.ok(decl.description.length > 10, key);
            const spec: KeySpec = KEYS[key as keyof typeof KEYS];
            // The CLI refuses a stack that leaves a declared key without a default unset, and hands
            // the program declared defaults as explicit values: profile keys declare a marker.
            const expected = spec.required
                ? undefined
                : spec.profile
                  ? "profile"
                  : spec.default === undefined
                    ? ""
                    : spec.type === "number"
                      ? JSON.stringify(spec.default)
                      : spec.default;
            assert.deepStrictEqual(decl.default, expected, key);
        }
        assert.deepStrictEqual(
            Object.entries(project.config)
                .filter(([, decl]) => decl.default === undefined)
                .map(([key]) => key),
            ["environment", "publicZoneName"],
        );
    });

    it("the README config table is current", () => {
        assert.ok(fs.readFileSync(path.join(ROOT, "README.md"), "utf8").includes(renderConfigTable()), "run npm run config:docs");
    });
});

describe("generated: README component reference", () => {
    it("is current with every component's args, defaults and outputs (npm run docs)", () => {
        const docs = renderComponentDocs();
        assert.ok(fs.readFileSync(path.join(ROOT, "README.md"), "utf8").includes(docs), "run npm run docs");
        for (const file of fs.readdirSync(path.join(ROOT, "components"))) {
            assert.ok(docs.includes(`components/${file}`), `${file} is documented`);
        }
    });
});

describe("generated: taggable resource types", () => {
    it("lib/taggable-types.ts matches the installed @pulumi/aws typings", () => {
        assert.strictEqual(fs.readFileSync(path.join(ROOT, "lib", "taggable-types.ts"), "utf8"), renderTaggableModule(taggableAwsTypes()), "run npm run gen:taggable");
    });

    it("classifies resources by whether their Args accept tags", () => {
        assert.deepStrictEqual(
            [
                "aws:ec2/securityGroup:SecurityGroup",
                "aws:kms/key:Key",
                "awsx:ec2:Vpc",
                "aws:iam/rolePolicy:RolePolicy",
                "aws:s3/bucketPolicy:BucketPolicy",
                "aws:kms/alias:Alias",
            ].map(isTaggable),
            [true, true, true, false, false, false],
        );
    });
});

describe("tags: default tags transform", () => {
    it("names the innermost platform component from the parent URN", () => {
        assert.strictEqual(componentOf("urn:pulumi:prod::platform::pulumi:pulumi:Stack$platform:network:Network::network"), "Network");
        assert.strictEqual(componentOf("urn:pulumi:prod::platform::platform:network:Network$awsx:ec2:Vpc::network-vpc"), "Network");
        assert.strictEqual(componentOf("urn:pulumi:prod::platform::pulumi:pulumi:Stack::platform-prod"), undefined);
        assert.strictEqual(componentOf(undefined), undefined);
    });

    it("adds defaults to taggable resources, keeps explicit tags, leaves others alone", async () => {
        const transform = defaultTagsTransform({ environment: "prod", project: "platform" });
        const untouched = await transform({ custom: true, type: "aws:iam/rolePolicy:RolePolicy", name: "p", props: { policy: "{}" }, opts: {} });
        assert.strictEqual(untouched, undefined);
        const result = await transform({ custom: true, type: "aws:kms/key:Key", name: "k", props: { tags: { Name: "k", environment: "override" } }, opts: {} });
        const tags = await new Promise((resolve) => (result?.props.tags as { apply: (f: (v: unknown) => void) => void }).apply(resolve));
        assert.deepStrictEqual(tags, { ...tagsFor({ environment: "prod", project: "platform" }, undefined), Name: "k", environment: "override" });
    });
});

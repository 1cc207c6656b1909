// The image model (source/image.h): manifests, configs, layer order and whiteouts; and
// the image-config format (source/image_config.h).
#include "source/image.h"
#include "source/image_config.h"

#include <gtest/gtest.h>

#include "support/image_writer.h"

namespace tokensweep::source::image {
namespace {

using testing::Compression;
using testing::ImageForm;
using testing::ImageInfo;
using testing::ImageSpec;

const std::string kHex(64, 'a');

// What the pipeline would collect from these members: every name, and the JSON ones.
ImageParts parts_of(const testing::Members& members) {
  ImageParts parts;
  for (const auto& [name, content] : members) {
    const std::string m = normalize_member(name);
    parts.present.insert(m);
    if (may_hold_metadata(classify_member(m)) && !content.empty() && (content[0] == '{' || content[0] == '[')) {
      parts.metadata[m] = content;
    }
  }
  return parts;
}

ImageSpec two_layer_spec() {
  ImageSpec spec;
  spec.layers.push_back({{{"etc/app/config.yml", "a: 1\n"}}, Compression::kGzip});
  spec.layers.push_back({{{"etc/app/.wh.config.yml", ""}}, Compression::kZstd});
  spec.env = {"PATH=/usr/bin", "MODE=prod"};
  spec.history = {"ADD file:1 in /", "RUN |1 MODE=prod /bin/sh -c make"};
  return spec;
}

TEST(ImageNames, MembersAreNormalizedWithoutDotSlashOrTrailingSlash) {
  EXPECT_EQ(normalize_member("./blobs/sha256/ab"), "blobs/sha256/ab");
  EXPECT_EQ(normalize_member("/etc/app/"), "etc/app");
  EXPECT_EQ(normalize_member("./"), "");
}

TEST(ImageNames, BlobPathsComeOnlyFromWellFormedDigests) {
  EXPECT_EQ(blob_path("sha256:" + kHex), "blobs/sha256/" + kHex);
  EXPECT_EQ(blob_path("sha256:../../etc/passwd"), "");
  EXPECT_EQ(blob_path("SHA256:" + kHex), "");
  EXPECT_EQ(blob_path(kHex), "");
  EXPECT_EQ(digest_of_blob("blobs/sha256/" + kHex), "sha256:" + kHex);
  EXPECT_EQ(digest_of_blob("blobs/sha256/x/y"), "");
}

TEST(ImageNames, MembersAreClassifiedByName) {
  EXPECT_EQ(classify_member("manifest.json"), Part::kDockerManifest);
  EXPECT_EQ(classify_member("index.json"), Part::kOciIndex);
  EXPECT_EQ(classify_member("oci-layout"), Part::kOciLayout);
  EXPECT_EQ(classify_member("blobs/sha256/" + kHex), Part::kBlob);
  EXPECT_EQ(classify_member(kHex + "/layer.tar"), Part::kClassicLayer);
  EXPECT_EQ(classify_member(kHex + "/json"), Part::kClassicLayerMeta);
  EXPECT_EQ(classify_member(kHex + ".json"), Part::kClassicConfig);
  EXPECT_EQ(classify_member("etc/manifest.json"), Part::kOther);
  EXPECT_EQ(classify_member("abc/layer.tar"), Part::kOther);
}

TEST(DockerManifest, ListsConfigAndLayersInOrder) {
  auto m = parse_docker_manifest(R"([{"Config":"c.json","RepoTags":["a:1"],"Layers":["1/layer.tar","2/layer.tar"]}])");
  ASSERT_TRUE(m) << m.error().message;
  ASSERT_EQ(m.value().size(), 1U);
  EXPECT_EQ(m.value()[0].config, "c.json");
  EXPECT_EQ(m.value()[0].layers, (std::vector<std::string>{"1/layer.tar", "2/layer.tar"}));
}

TEST(DockerManifest, InvalidJsonSaysWhereButNotWhat) {
  const std::string secret_like = "gho_" + std::string(36, 'Z');
  auto m = parse_docker_manifest("[{\"Config\": " + secret_like);
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error().code, ErrorCode::kMalformed);
  EXPECT_NE(m.error().message.find("not valid JSON (at byte"), std::string::npos) << m.error().message;
  EXPECT_EQ(m.error().message.find("ZZZZ"), std::string::npos);
}

TEST(DockerManifest, WrongShapesAreNamed) {
  EXPECT_EQ(parse_docker_manifest(R"({"Config":"c"})").error().message, "is not a JSON array of images");
  EXPECT_EQ(parse_docker_manifest(R"([{"Config":"c","Layers":[1]}])").error().message, "[0].Layers[0] is not a string");
  EXPECT_EQ(parse_docker_manifest(R"([{"Layers":[]}])").error().message, "[0].Config is not a string");
}

TEST(OciManifest, RejectsDescriptorsWhoseDigestIsNotAPath) {
  auto m = parse_oci_manifest(R"({"config":{"digest":"sha256:)" + kHex + R"("},"layers":[{"digest":"../x"}]})");
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error().message, "layers[0].digest is not <algorithm>:<hex>");
}

TEST(ImageConfig, EnvHistoryAndDiffIdsAreRead) {
  auto c = parse_image_config(R"({"config":{"Env":["A=1","B=2"]},
      "container_config":{"Env":["C=3"]},
      "history":[{"created_by":"ADD x /"},{"empty_layer":true},{"created_by":"RUN |1 T=v /bin/sh -c y"}],
      "rootfs":{"type":"layers","diff_ids":["sha256:1","sha256:2"]}})");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c.value().diff_ids, (std::vector<std::string>{"sha256:1", "sha256:2"}));
  const auto& r = c.value().records;
  ASSERT_EQ(r.size(), 5U);
  EXPECT_EQ(r[0].field, "config.Env[0]");
  EXPECT_EQ(r[1].text, "B=2");
  EXPECT_EQ(r[2].field, "container_config.Env[0]");
  EXPECT_EQ(r[3].field, "history[0].created_by");
  EXPECT_EQ(r[4].field, "history[2].created_by");
  EXPECT_EQ(r[4].text, "RUN |1 T=v /bin/sh -c y");
}

TEST(ImageConfig, OddTypesAreSkippedNotFatal) {
  auto c = parse_image_config(R"({"config":{"Env":"A=1"},"history":[1,{"created_by":2}],"rootfs":7})");
  ASSERT_TRUE(c);
  EXPECT_TRUE(c.value().records.empty());
  EXPECT_FALSE(parse_image_config("[1]"));
}

TEST(Resolve, ClassicDockerSaveNamesLayersByDiffId) {
  ImageInfo info;
  const auto members = testing::image_members(ImageForm::kDockerClassic, two_layer_spec(), &info);
  const Resolution r = resolve(parts_of(members));
  EXPECT_TRUE(r.is_image);
  EXPECT_TRUE(r.problems.empty());
  ASSERT_EQ(r.images.size(), 1U);
  EXPECT_EQ(r.images[0].config_member, info.config_member);
  ASSERT_EQ(r.images[0].layers.size(), 2U);
  EXPECT_EQ(r.images[0].layers[0].member, info.layer_members[0]);
  EXPECT_EQ(r.images[0].layers[0].digest, info.diff_ids[0]);
  EXPECT_EQ(r.images[0].layers[1].digest, info.diff_ids[1]);
}

TEST(Resolve, DockerOciFormNamesLayersByBlobDigest) {
  ImageInfo info;
  const auto members = testing::image_members(ImageForm::kDockerOci, two_layer_spec(), &info);
  const Resolution r = resolve(parts_of(members));
  ASSERT_EQ(r.images.size(), 1U);
  EXPECT_TRUE(r.problems.empty());
  EXPECT_EQ(r.images[0].config_member, "blobs/sha256/" + info.config_digest.substr(7));
  ASSERT_EQ(r.images[0].layers.size(), 2U);
  EXPECT_EQ(r.images[0].layers[0].digest, info.layer_digests[0]);
  EXPECT_EQ(r.images[0].layers[1].digest, info.layer_digests[1]);
  EXPECT_NE(info.layer_digests[0], info.diff_ids[0]);  // compressed: the two differ
}

TEST(Resolve, OciArchiveIsFollowedFromIndexThroughManifest) {
  ImageInfo info;
  auto members = testing::image_members(ImageForm::kOciArchive, two_layer_spec(), &info);
  for (auto& [name, content] : members) name = "./" + name;  // as `tar -C layout .` writes them
  const Resolution r = resolve(parts_of(members));
  ASSERT_EQ(r.images.size(), 1U);
  EXPECT_TRUE(r.problems.empty());
  EXPECT_EQ(r.images[0].config_member, info.config_member);
  ASSERT_EQ(r.images[0].layers.size(), 2U);
  EXPECT_EQ(r.images[0].layers[1].member, info.layer_members[1]);
  EXPECT_EQ(r.images[0].layers[1].digest, info.layer_digests[1]);
}

TEST(Resolve, NestedIndexLeadsToEachPlatform) {
  ImageInfo info;
  auto members = testing::image_members(ImageForm::kOciArchive, two_layer_spec(), &info);
  const std::string platform_index = R"({"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":")" +
                                     info.manifest_digest + R"("},{"digest":"sha256:)" + kHex + R"("}]})";
  const std::string inner = "blobs/sha256/" + std::string(64, 'b');
  members.emplace_back(inner, platform_index);
  for (auto& [name, content] : members) {
    if (name == "index.json") content = R"({"schemaVersion":2,"manifests":[{"digest":"sha256:)" + std::string(64, 'b') + R"("}]})";
  }
  const Resolution r = resolve(parts_of(members));
  // The second platform was not saved: fine in a nested index.
  EXPECT_TRUE(r.problems.empty());
  ASSERT_EQ(r.images.size(), 1U);
  EXPECT_EQ(r.images[0].layers.size(), 2U);
}

TEST(Resolve, MissingLayerIsAProblemThatLeavesTheScanIncomplete) {
  ImageInfo info;
  auto members = testing::image_members(ImageForm::kDockerClassic, two_layer_spec(), &info);
  std::erase_if(members, [&](const auto& m) { return m.first == info.layer_members[0]; });
  const Resolution r = resolve(parts_of(members));
  ASSERT_EQ(r.problems.size(), 1U);
  EXPECT_EQ(r.problems[0].part, "manifest.json");
  EXPECT_EQ(r.problems[0].message, "[0].Layers[0] " + info.layer_members[0] + " is not in the image");
  EXPECT_TRUE(r.problems[0].incomplete);
  ASSERT_EQ(r.images.size(), 1U);
  ASSERT_EQ(r.images[0].layers.size(), 1U);  // the layer that is there keeps its place
  EXPECT_EQ(r.images[0].layers[0].member, info.layer_members[1]);
}

TEST(Resolve, InvalidManifestJsonFallsBackToIndexJson) {
  auto members = testing::image_members(ImageForm::kDockerOci, two_layer_spec());
  for (auto& [name, content] : members) {
    if (name == "manifest.json") content = "[not json";
  }
  const Resolution r = resolve(parts_of(members));
  ASSERT_EQ(r.problems.size(), 1U);
  EXPECT_EQ(r.problems[0].part, "manifest.json");
  EXPECT_EQ(r.problems[0].message, "not valid JSON (at byte 3)");
  EXPECT_FALSE(r.problems[0].incomplete);
  ASSERT_EQ(r.images.size(), 1U);
  EXPECT_EQ(r.images[0].layers.size(), 2U);
}

TEST(Resolve, InvalidManifestJsonWithoutIndexLeavesLayersUnlabelled) {
  auto members = testing::image_members(ImageForm::kDockerClassic, two_layer_spec());
  for (auto& [name, content] : members) {
    if (name == "manifest.json") content = "{\"Config\":";
  }
  const Resolution r = resolve(parts_of(members));
  ASSERT_EQ(r.problems.size(), 1U);
  EXPECT_EQ(r.problems[0].message, "not valid JSON (at byte 11); layers were scanned without layer context");
  EXPECT_TRUE(r.images.empty());
}

TEST(Resolve, BlobsWithoutAnyManifestAreATruncatedImage) {
  auto members = testing::image_members(ImageForm::kDockerOci, two_layer_spec());
  std::erase_if(members, [](const auto& m) { return !m.first.starts_with("blobs/"); });
  const Resolution r = resolve(parts_of(members));
  EXPECT_TRUE(r.is_image);
  ASSERT_EQ(r.problems.size(), 1U);
  EXPECT_EQ(r.problems[0].part, "");
  EXPECT_EQ(r.problems[0].message, "has no manifest.json or index.json (truncated?); layers were scanned without layer context");
}

TEST(Resolve, AnArchiveWithAManifestJsonButNoLayersIsNotAnImage) {
  const Resolution r = resolve(parts_of({{"manifest.json", R"({"name":"My PWA"})"}, {"index.html", "<html>"}}));
  EXPECT_FALSE(r.is_image);
  EXPECT_TRUE(r.problems.empty());
}

TEST(Whiteouts, AFileDeletedByALaterLayerNamesThatLayer) {
  Whiteouts w(3);
  w.add(0, "etc/app/config.yml");
  w.add(2, "etc/app/.wh.config.yml");
  EXPECT_EQ(w.deleted_in(0, "etc/app/config.yml"), 2U);
  EXPECT_EQ(w.deleted_in(1, "etc/app/config.yml"), 2U);
  EXPECT_EQ(w.deleted_in(2, "etc/app/config.yml"), std::nullopt);  // not by its own layer
  EXPECT_EQ(w.deleted_in(0, "etc/app/config.yml.bak"), std::nullopt);
  EXPECT_EQ(w.deleted_in(0, "etc/app/config"), std::nullopt);
}

TEST(Whiteouts, ADeletedDirectoryTakesEverythingUnderIt) {
  Whiteouts w(2);
  w.add(1, "./root/.wh..config");
  EXPECT_EQ(w.deleted_in(0, "root/.config/gh/hosts.yml"), 1U);
  EXPECT_EQ(w.deleted_in(0, "./root/.config"), 1U);
  EXPECT_EQ(w.deleted_in(0, "root/.configure"), std::nullopt);
  EXPECT_EQ(w.deleted_in(0, "root/other"), std::nullopt);
}

TEST(Whiteouts, AnOpaqueDirectoryHidesLowerContentOnly) {
  Whiteouts w(2);
  w.add(1, "srv/data/.wh..wh..opq");
  EXPECT_EQ(w.deleted_in(0, "srv/data/token.txt"), 1U);
  EXPECT_EQ(w.deleted_in(0, "srv/data/deep/token.txt"), 1U);
  EXPECT_EQ(w.deleted_in(0, "srv/data"), std::nullopt);  // the directory itself stays
  EXPECT_EQ(w.deleted_in(0, "srv/database/x"), std::nullopt);
  EXPECT_EQ(w.deleted_in(1, "srv/data/new.txt"), std::nullopt);  // same layer: kept
}

TEST(Whiteouts, AnOpaqueRootHidesEverythingBelow) {
  Whiteouts w(2);
  w.add(1, ".wh..wh..opq");
  EXPECT_EQ(w.deleted_in(0, "etc/passwd"), 1U);
  EXPECT_EQ(w.deleted_in(0, "top"), 1U);
}

TEST(Whiteouts, TheFirstDeletingLayerWins) {
  Whiteouts w(4);
  w.add(2, "a/.wh.b");
  w.add(3, ".wh.a");
  EXPECT_EQ(w.deleted_in(0, "a/b"), 2U);
  EXPECT_EQ(w.deleted_in(0, "a/c"), 3U);
  EXPECT_TRUE(is_whiteout("a/.wh.b"));
  EXPECT_TRUE(is_whiteout(".wh..wh..opq"));
  EXPECT_FALSE(is_whiteout("a/b.wh.c"));
}

}  // namespace
}  // namespace tokensweep::source::image

namespace tokensweep::source {
namespace {

// A Record with its text copied (a record's views are valid during the call only).
struct Got {
  std::string text;
  uint64_t line = 0;
  SourceContext source;
  std::vector<std::string> decoders;
};

std::vector<Got> records_of(std::string_view path, std::string_view config, Status* status = nullptr) {
  auto format = make_image_config(path);
  std::vector<Got> out;
  const RecordSink sink = [&](const Record& r) { out.push_back({std::string(r.text), r.line, r.source, r.decoders}); };
  Status st = format->feed(config.substr(0, 7), sink);
  if (st) st = format->feed(config.substr(7), sink);
  if (st) st = format->finish(sink);
  if (status != nullptr) *status = st;
  return out;
}

TEST(ImageConfigFormat, DetectedByAnImageMemberNameAndConfigContent) {
  const std::string blob = "image.tar!blobs/sha256/" + std::string(64, 'c');
  const std::string config = R"({"architecture":"amd64","config":{}})";
  EXPECT_TRUE(detect_image_config(blob, config));
  EXPECT_TRUE(detect_image_config("layout/blobs/sha256/" + std::string(64, 'c'), config));
  EXPECT_TRUE(detect_image_config("image.tar!" + std::string(64, 'c') + ".json", "\n " + config));
  EXPECT_FALSE(detect_image_config("src/config.json", config));
  EXPECT_FALSE(detect_image_config(blob, R"({"schemaVersion":2,"layers":[]})"));
  EXPECT_FALSE(detect_image_config(blob, std::string("\x1f\x8b", 2)));
  EXPECT_EQ(find_format("image-config")->make_records, &make_image_config);
}

TEST(ImageConfigFormat, EnvAndHistoryAreRecordsWithTheirFieldAndLine) {
  const std::string config = "{\n  \"config\": {\n    \"Env\": [\n      \"A=1\",\n      \"TOKEN=x\\u003cy\"\n    ]\n  },\n"
                             "  \"history\": [\n    {\"created_by\": \"RUN |1 T=v /bin/sh -c y\"}\n  ]\n}\n";
  Status st;
  const auto records = records_of("i.tar!blobs/sha256/" + std::string(64, 'c'), config, &st);
  ASSERT_TRUE(st);
  ASSERT_EQ(records.size(), 3U);
  EXPECT_EQ(records[1].text, "TOKEN=x<y");
  EXPECT_EQ(records[1].source, (SourceContext{{"image_config", "config.Env[1]"}}));
  EXPECT_EQ(records[1].line, 1U);  // written escaped differently: not located
  EXPECT_EQ(records[0].line, 4U);
  EXPECT_EQ(records[2].line, 9U);
  EXPECT_EQ(records[2].source, (SourceContext{{"image_config", "history[0].created_by"}}));
  EXPECT_EQ(records[2].decoders, (std::vector<std::string>{"json-unescape"}));
}

TEST(ImageConfigFormat, MalformedConfigIsAnErrorThatSaysWhere) {
  Status st;
  const auto records = records_of("x", R"({"architecture":"amd64","config":{"Env":["A=1")", &st);
  EXPECT_TRUE(records.empty());
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().message, "image config not valid JSON (at byte 47)");
}

}  // namespace
}  // namespace tokensweep::source

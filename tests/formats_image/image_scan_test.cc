// Container images through the built `tokensweep scan --format json`: docker save tarballs
// (classic and Docker 25+), OCI archives and OCI layout directories built by the test,
// with gzip, zstd and plain layers, whiteouts, config Env and build args, broken images
// and stdin.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "common/sha256.h"
#include "scanner/cli_support.h"
#include "support/image_writer.h"
#include "support/tokens.h"

namespace tokensweep::testing {
namespace {

using Json = nlohmann::json;

struct Scan {
  int exit_code = -1;
  Json doc;
  std::string err;

  // The one finding of the secret `token` (by fingerprint: failure messages never show it).
  const Json* finding(const std::string& token) const {
    const Json* found = nullptr;
    for (const auto& f : doc["findings"]) {
      if (f["fingerprint"] == sha256_hex(token)) {
        EXPECT_EQ(found, nullptr) << "two findings of one secret, at " << f["path"];
        found = &f;
      }
    }
    return found;
  }

  // The diagnostic for `path`, or nullptr.
  const Json* diagnostic(const std::string& path) const {
    for (const auto& d : doc["diagnostics"]) {
      if (d["path"] == path) return &d;
    }
    return nullptr;
  }
};

Scan scan(const TempDir& dir, std::vector<std::string> args, const ProcessOptions& options = {}) {
  args.insert(args.begin(), {"--format", "json"});
  const ProcessResult r = scan_with_test_rules(dir, args, options);
  Scan s;
  s.exit_code = r.exit_code;
  s.err = r.err;
  s.doc = Json::parse(r.out, nullptr, false);
  EXPECT_FALSE(s.doc.is_discarded()) << "not JSON on stdout; stderr: " << r.err;
  return s;
}

Json source_of(const Json& finding) { return finding.contains("source") ? finding["source"] : Json::object(); }

std::string hex(const std::string& digest) { return digest.substr(std::string("sha256:").size()); }

std::string config_file(const std::string& token) { return "github.com:\n    oauth_token: " + token + "\n"; }

TEST(ImageScan, TokenInAGzipLayerOfADockerSaveTarballNamesTheLayer) {
  TempDir dir;
  const auto token = checksummed_token("gho_", 501);
  ImageSpec spec;
  spec.layers.push_back({{{"etc/motd", "hello\n"}}, Compression::kGzip});
  spec.layers.push_back({{{"root/.config/gh/hosts.yml", config_file(token)}}, Compression::kGzip});
  ImageInfo info;
  const auto image = dir.write("image.tar", make_image(ImageForm::kDockerOci, spec, &info));

  const Scan s = scan(dir, {image});
  EXPECT_EQ(s.exit_code, 1) << s.err;
  const Json* f = s.finding(token);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ((*f)["path"], image + "!blobs/sha256/" + hex(info.layer_digests[1]) + "!root/.config/gh/hosts.yml");
  EXPECT_EQ((*f)["decoders"], Json({"tar", "gzip", "tar"}));
  EXPECT_EQ((*f)["line"], 2);
  EXPECT_EQ(source_of(*f), Json({{"layer", info.layer_digests[1]}}));
  EXPECT_TRUE(s.doc["diagnostics"].empty()) << s.doc["diagnostics"].dump();
}

TEST(ImageScan, TokenInAZstdLayerOfAnOciArchive) {
  TempDir dir;
  const auto token = checksummed_token("gho_", 502);
  ImageSpec spec;
  spec.layers.push_back({{{"app/.env", "GH=" + token + "\n"}}, Compression::kZstd});
  ImageInfo info;
  const auto image = dir.write("app.oci.tar", make_image(ImageForm::kOciArchive, spec, &info));

  const Scan s = scan(dir, {image});
  const Json* f = s.finding(token);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ((*f)["path"], image + "!blobs/sha256/" + hex(info.layer_digests[0]) + "!app/.env");
  EXPECT_EQ((*f)["decoders"], Json({"tar", "zstd", "tar"}));
  EXPECT_EQ(source_of(*f), Json({{"layer", info.layer_digests[0]}}));
}

TEST(ImageScan, TokenInAPlainLayerOfAClassicDockerSaveIsNamedByItsDiffId) {
  TempDir dir;
  const auto token = checksummed_token("gho_", 503);
  ImageSpec spec;
  spec.layers.push_back({{{"etc/app/config.yml", "token: " + token + "\n"}}, Compression::kNone});
  spec.layers.push_back({{{"etc/motd", "hi\n"}}, Compression::kNone});
  ImageInfo info;
  const auto image = dir.write("classic.tar", make_image(ImageForm::kDockerClassic, spec, &info));

  const Scan s = scan(dir, {image});
  const Json* f = s.finding(token);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ((*f)["path"], image + "!" + info.layer_members[0] + "!etc/app/config.yml");
  EXPECT_EQ((*f)["decoders"], Json({"tar", "tar"}));
  EXPECT_EQ(source_of(*f), Json({{"layer", info.diff_ids[0]}}));
  EXPECT_TRUE(s.doc["diagnostics"].empty()) << s.doc["diagnostics"].dump();
}

// Layer 0 writes three files; layer 1 deletes one by a whiteout, layer 2 empties /srv by an
// opaque whiteout (and adds a file there that stays); one file survives.
ImageSpec whiteout_spec(const std::vector<std::string>& tokens) {
  ImageSpec spec;
  spec.layers.push_back({{{"root/.config/gh/hosts.yml", config_file(tokens[0])},
                          {"srv/data/deploy.env", "GH=" + tokens[1] + "\n"},
                          {"opt/kept.env", "GH=" + tokens[2] + "\n"}},
                         Compression::kGzip});
  spec.layers.push_back({{{"root/.config/gh/.wh.hosts.yml", ""}}, Compression::kZstd});
  spec.layers.push_back({{{"srv/.wh..wh..opq", ""}, {"srv/new.env", "GH=" + tokens[3] + "\n"}}, Compression::kNone});
  return spec;
}

void expect_whiteouts(const Scan& s, const std::vector<std::string>& tokens, const std::vector<std::string>& layers) {
  const Json* deleted = s.finding(tokens[0]);
  const Json* opaque = s.finding(tokens[1]);
  const Json* kept = s.finding(tokens[2]);
  const Json* same_layer = s.finding(tokens[3]);
  ASSERT_TRUE(deleted && opaque && kept && same_layer);
  EXPECT_EQ(source_of(*deleted), Json({{"layer", layers[0]}, {"deleted_in_layer", layers[1]}}));
  EXPECT_EQ(source_of(*opaque), Json({{"layer", layers[0]}, {"deleted_in_layer", layers[2]}}));
  EXPECT_EQ(source_of(*kept), Json({{"layer", layers[0]}}));
  EXPECT_EQ(source_of(*same_layer), Json({{"layer", layers[2]}}));
}

TEST(ImageScan, FilesDeletedByALaterWhiteoutAreReportedWithTheDeletingLayer) {
  TempDir dir;
  std::vector<std::string> tokens;
  for (uint32_t i = 0; i < 4; ++i) tokens.push_back(checksummed_token("gho_", 510 + i));
  ImageInfo info;
  const auto image = dir.write("image.tar", make_image(ImageForm::kDockerOci, whiteout_spec(tokens), &info));
  const Scan s = scan(dir, {image});
  EXPECT_EQ(s.exit_code, 1);
  expect_whiteouts(s, tokens, info.layer_digests);
}

TEST(ImageScan, WhiteoutsInAClassicDockerSave) {
  TempDir dir;
  std::vector<std::string> tokens;
  for (uint32_t i = 0; i < 4; ++i) tokens.push_back(checksummed_token("gho_", 520 + i));
  ImageInfo info;
  const auto image = dir.write("image.tar", make_image(ImageForm::kDockerClassic, whiteout_spec(tokens), &info));
  expect_whiteouts(scan(dir, {image}), tokens, info.diff_ids);
}

TEST(ImageScan, EnvAndBuildArgsInTheConfigAreRecordsOfTheConfig) {
  TempDir dir;
  const auto env_token = checksummed_token("gho_", 530);
  const auto arg_token = checksummed_token("gho_", 531);
  ImageSpec spec;
  spec.layers.push_back({{{"etc/motd", "hi\n"}}, Compression::kGzip});
  spec.env = {"PATH=/usr/local/bin:/usr/bin", "GITHUB_TOKEN=" + env_token};
  spec.history = {"ADD file:0123 in / ", "RUN |1 GH_TOKEN=" + arg_token + " /bin/sh -c make install"};
  for (const ImageForm form : {ImageForm::kDockerOci, ImageForm::kDockerClassic}) {
    ImageInfo info;
    const auto image = dir.write("image.tar", make_image(form, spec, &info));
    const Scan s = scan(dir, {image});
    const Json* env = s.finding(env_token);
    const Json* arg = s.finding(arg_token);
    ASSERT_TRUE(env && arg);
    EXPECT_EQ((*env)["path"], image + "!" + info.config_member);
    EXPECT_EQ(source_of(*env), Json({{"image_config", "config.Env[1]"}}));
    EXPECT_EQ((*env)["decoders"], Json({"tar", "json-unescape"}));
    EXPECT_EQ((*arg)["path"], image + "!" + info.config_member);
    EXPECT_EQ(source_of(*arg), Json({{"image_config", "history[1].created_by"}}));
    EXPECT_EQ(s.doc["findings"].size(), 2U);
  }
}

TEST(ImageScan, ManifestThatIsNotJsonIsDiagnosedAndTheLayersStillScanned) {
  TempDir dir;
  const auto token = checksummed_token("gho_", 540);
  ImageSpec spec;
  spec.layers.push_back({{{"etc/app.env", "GH=" + token + "\n"}}, Compression::kNone});
  auto members = image_members(ImageForm::kDockerClassic, spec);
  for (auto& [name, content] : members) {
    if (name == "manifest.json") content = "[{\"Config\": oops";
  }
  const auto image = dir.write("broken.tar", make_archive(ArchiveFormat::kTar, Compression::kNone, members));
  const Scan s = scan(dir, {image});
  EXPECT_EQ(s.exit_code, 1);
  ASSERT_NE(s.finding(token), nullptr);
  EXPECT_FALSE(s.finding(token)->contains("source"));  // no layer can be named
  const Json* d = s.diagnostic(image + "!manifest.json");
  ASSERT_NE(d, nullptr) << s.doc["diagnostics"].dump();
  EXPECT_EQ((*d)["code"], "malformed");
  EXPECT_EQ((*d)["message"], "not valid JSON (at byte 13); layers were scanned without layer context");
}

TEST(ImageScan, ManifestNamingAMissingLayerIsDiagnosedAndTheOtherLayersKeepTheirNames) {
  TempDir dir;
  const auto token = checksummed_token("gho_", 541);
  ImageSpec spec;
  spec.layers.push_back({{{"etc/a", "a\n"}}, Compression::kGzip});
  spec.layers.push_back({{{"etc/app.env", "GH=" + token + "\n"}}, Compression::kGzip});
  ImageInfo info;
  auto members = image_members(ImageForm::kDockerOci, spec, &info);
  std::erase_if(members, [&](const auto& m) { return m.first == info.layer_members[0]; });
  const auto image = dir.write("image.tar", make_archive(ArchiveFormat::kTar, Compression::kNone, members));
  const Scan s = scan(dir, {image});
  const Json* f = s.finding(token);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(source_of(*f), Json({{"layer", info.layer_digests[1]}}));
  const Json* d = s.diagnostic(image + "!manifest.json");
  ASSERT_NE(d, nullptr) << s.doc["diagnostics"].dump();
  EXPECT_EQ((*d)["message"], "[0].Layers[0] " + info.layer_members[0] + " is not in the image");
  EXPECT_EQ(s.doc["summary"]["files_skipped"], 1);  // the image was not scanned whole
}

TEST(ImageScan, TruncatedLayerIsDiagnosedAndTheNextLayerStillScanned) {
  TempDir dir;
  const auto early = checksummed_token("gho_", 542);
  const auto later = checksummed_token("gho_", 543);
  ImageSpec spec;
  std::string big;
  for (int i = 0; big.size() < (256U << 10); ++i) big += "line " + std::to_string(i * 7919 % 100003) + "\n";
  spec.layers.push_back({{{"etc/early.env", "GH=" + early + "\n"}, {"var/big.log", big}}, Compression::kGzip});
  spec.layers.push_back({{{"etc/later.env", "GH=" + later + "\n"}}, Compression::kGzip});
  ImageInfo info;
  auto members = image_members(ImageForm::kDockerOci, spec, &info);
  for (auto& [name, content] : members) {
    if (name == info.layer_members[0]) content.resize(content.size() / 2);
  }
  const auto image = dir.write("image.tar", make_archive(ArchiveFormat::kTar, Compression::kNone, members));
  const Scan s = scan(dir, {image});
  EXPECT_EQ(s.exit_code, 1);
  // What came before the damage, and the whole next layer.
  ASSERT_NE(s.finding(early), nullptr);
  const Json* f = s.finding(later);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(source_of(*f), Json({{"layer", info.layer_digests[1]}}));
  bool named = false;
  for (const auto& d : s.doc["diagnostics"]) {
    named |= d["path"].get<std::string>().starts_with(image + "!" + info.layer_members[0]);
  }
  EXPECT_TRUE(named) << s.doc["diagnostics"].dump();
}

TEST(ImageScan, TruncatedDockerSaveWithoutItsManifestIsDiagnosed) {
  TempDir dir;
  const auto token = checksummed_token("gho_", 544);
  ImageSpec spec;
  spec.layers.push_back({{{"etc/app.env", "GH=" + token + "\n"}}, Compression::kGzip});
  // docker save writes blobs first: cut the tarball before index.json and manifest.json.
  auto members = image_members(ImageForm::kDockerOci, spec);
  std::erase_if(members, [](const auto& m) { return !m.first.starts_with("blobs/"); });
  const auto image = dir.write("image.tar", make_archive(ArchiveFormat::kTar, Compression::kNone, members));
  const Scan s = scan(dir, {image});
  ASSERT_NE(s.finding(token), nullptr);
  const Json* d = s.diagnostic(image);
  ASSERT_NE(d, nullptr) << s.doc["diagnostics"].dump();
  EXPECT_EQ((*d)["message"], "has no manifest.json or index.json (truncated?); layers were scanned without layer context");
}

TEST(ImageScan, ImageReadFromStdin) {
  TempDir dir;
  std::vector<std::string> tokens;
  for (uint32_t i = 0; i < 4; ++i) tokens.push_back(checksummed_token("gho_", 550 + i));
  ImageInfo info;
  ProcessOptions options;
  // docker save | gzip | tokensweep scan -
  options.stdin_data = make_archive(ArchiveFormat::kRaw, Compression::kGzip,
                                    {{"", make_image(ImageForm::kDockerOci, whiteout_spec(tokens), &info)}});
  const Scan s = scan(dir, {"-"}, options);
  EXPECT_EQ(s.exit_code, 1) << s.err;
  expect_whiteouts(s, tokens, info.layer_digests);
  EXPECT_EQ((*s.finding(tokens[0]))["path"],
            "<stdin>!blobs/sha256/" + hex(info.layer_digests[0]) + "!root/.config/gh/hosts.yml");
  EXPECT_EQ((*s.finding(tokens[0]))["decoders"], Json({"gzip", "tar", "gzip", "tar"}));
}

TEST(ImageScan, OciLayoutDirectoryIsScannedAsOneImage) {
  TempDir dir;
  std::vector<std::string> tokens;
  for (uint32_t i = 0; i < 4; ++i) tokens.push_back(checksummed_token("gho_", 560 + i));
  const auto build_arg = checksummed_token("gho_", 564);
  ImageSpec spec = whiteout_spec(tokens);
  spec.history = {"RUN |1 T=" + build_arg + " /bin/sh -c true"};
  ImageInfo info;
  const std::string layout = dir.str() + "/layouts/app";
  write_oci_layout(layout, spec, &info);
  // Scanned by naming it, and by walking a directory that holds it.
  for (const std::string& root : {layout, dir.str() + "/layouts"}) {
    const Scan s = scan(dir, {root});
    EXPECT_EQ(s.exit_code, 1) << s.err;
    expect_whiteouts(s, tokens, info.layer_digests);
    EXPECT_EQ((*s.finding(tokens[0]))["path"],
              layout + "/blobs/sha256/" + hex(info.layer_digests[0]) + "!root/.config/gh/hosts.yml");
    const Json* arg = s.finding(build_arg);
    ASSERT_NE(arg, nullptr);
    EXPECT_EQ((*arg)["path"], layout + "/" + info.config_member);
    EXPECT_EQ(source_of(*arg), Json({{"image_config", "history[0].created_by"}}));
    EXPECT_TRUE(s.doc["diagnostics"].empty()) << s.doc["diagnostics"].dump();
  }
}

TEST(ImageScan, ABrokenOciLayoutIndexIsDiagnosedAndItsBlobsStillScanned) {
  TempDir dir;
  const auto token = checksummed_token("gho_", 570);
  ImageSpec spec;
  spec.layers.push_back({{{"etc/app.env", "GH=" + token + "\n"}}, Compression::kGzip});
  const std::string layout = dir.str() + "/layout";
  write_oci_layout(layout, spec);
  dir.write("layout/index.json", "{\"manifests\": [");
  const Scan s = scan(dir, {layout});
  EXPECT_EQ(s.exit_code, 1);
  ASSERT_NE(s.finding(token), nullptr);
  const Json* d = s.diagnostic(layout + "/index.json");
  ASSERT_NE(d, nullptr) << s.doc["diagnostics"].dump();
  EXPECT_EQ((*d)["message"], "not valid JSON (at byte 16); layers were scanned without layer context");
}

TEST(ImageScan, ATarballThatIsNotAnImageGetsNoImageContextOrDiagnostics) {
  TempDir dir;
  const auto token = checksummed_token("gho_", 580);
  // A web app's tarball: a manifest.json that is not docker's, no layers.
  const auto path = dir.write("site.tar", make_archive(ArchiveFormat::kTar, Compression::kNone,
                                                       {{"manifest.json", R"({"name":"My App"})"},
                                                        {"config.js", "const t = '" + token + "';\n"}}));
  const Scan s = scan(dir, {path});
  const Json* f = s.finding(token);
  ASSERT_NE(f, nullptr);
  EXPECT_FALSE(f->contains("source"));
  EXPECT_TRUE(s.doc["diagnostics"].empty()) << s.doc["diagnostics"].dump();
}

}  // namespace
}  // namespace tokensweep::testing

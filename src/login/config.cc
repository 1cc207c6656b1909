#include "login/config.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "login/json_wipe.h"

namespace tokensweep::login {
namespace {

std::string xdg_dir(const char* variable, const char* fallback_under_home) {
  const char* value = std::getenv(variable);
  if (value != nullptr && value[0] == '/') return value;
  const char* home = std::getenv("HOME");
  return std::string(home != nullptr ? home : ".") + "/" + fallback_under_home;
}

long long integer_member(const nlohmann::json& doc, const char* key) {
  auto it = doc.find(key);
  return it != doc.end() && it->is_number_integer() ? it->get<long long>() : 0;
}

}  // namespace

std::string default_config_path() {
  return xdg_dir("XDG_CONFIG_HOME", ".config") + "/tokensweep-login/config.json";
}

std::string default_log_path() {
  return xdg_dir("XDG_STATE_HOME", ".local/state") + "/tokensweep-login/debug.log";
}

Status make_private_dirs_for(const std::string& path) {
  for (std::size_t at = path.find('/', 1); at != std::string::npos; at = path.find('/', at + 1)) {
    std::string dir = path.substr(0, at);
    if (mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
      return make_error(ErrorCode::kIo, std::strerror(errno), dir);
    }
  }
  return Status::ok();
}

Result<std::optional<Config>> load_config(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    if (errno == ENOENT) return std::optional<Config>();
    return make_error(ErrorCode::kIo, std::strerror(errno), path);
  }
  std::stringstream text;
  text << in.rdbuf();
  nlohmann::json doc = parse_json(text.str());
  if (!doc.is_object()) return make_error(ErrorCode::kMalformed, "not a JSON object", path);
  Config c;
  c.issuer = string_member(doc, "issuer");
  c.client_id = string_member(doc, "client_id");
  c.scope = string_member(doc, "scope");
  c.store = string_member(doc, "store");
  c.subject = string_member(doc, "subject");
  c.name = string_member(doc, "name");
  c.email = string_member(doc, "email");
  c.granted_scope = string_member(doc, "granted_scope");
  c.access_token_expires_at = integer_member(doc, "access_token_expires_at");
  c.logged_in_at = integer_member(doc, "logged_in_at");
  return std::optional<Config>(std::move(c));
}

Status save_config(const std::string& path, const Config& c) {
  if (Status ok = make_private_dirs_for(path); !ok) return ok;
  nlohmann::json doc = {
      {"issuer", c.issuer},
      {"client_id", c.client_id},
      {"scope", c.scope},
      {"store", c.store},
      {"subject", c.subject},
      {"name", c.name},
      {"email", c.email},
      {"granted_scope", c.granted_scope},
      {"access_token_expires_at", c.access_token_expires_at},
      {"logged_in_at", c.logged_in_at},
  };
  const std::string text = doc.dump(2) + "\n";
  const std::string tmp = path + ".tmp";
  int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return make_error(ErrorCode::kIo, std::strerror(errno), tmp);
  const bool written = write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  const bool synced = fsync(fd) == 0;
  close(fd);
  if (!written || !synced || rename(tmp.c_str(), path.c_str()) != 0) {
    unlink(tmp.c_str());
    return make_error(ErrorCode::kIo, "could not write the config file", path);
  }
  return Status::ok();
}

}  // namespace tokensweep::login

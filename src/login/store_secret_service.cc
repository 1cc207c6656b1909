// The Secret Service store (freedesktop.org Secret Service API through libsecret).
#include <libsecret/secret.h>
#include <sys/stat.h>

#include <cstdlib>
#include <memory>
#include <string>

#include "http/client.h"
#include "login/store.h"

namespace tokensweep::login {
namespace {

const SecretSchema* schema() {
  static const SecretSchema kSchema = {
      "org.tokensweep.Login",
      SECRET_SCHEMA_NONE,
      {
          {"issuer", SECRET_SCHEMA_ATTRIBUTE_STRING},
          {"client_id", SECRET_SCHEMA_ATTRIBUTE_STRING},
          {"item", SECRET_SCHEMA_ATTRIBUTE_STRING},
          {nullptr, SECRET_SCHEMA_ATTRIBUTE_STRING},
      },
      0, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr};
  return &kSchema;
}

struct GErrorDeleter {
  void operator()(GError* e) const { g_error_free(e); }
};
struct GObjectDeleter {
  void operator()(gpointer o) const { g_object_unref(o); }
};
using ErrorPtr = std::unique_ptr<GError, GErrorDeleter>;
template <typename T>
using ObjectPtr = std::unique_ptr<T, GObjectDeleter>;

constexpr int kDbusTimeoutMs = 10'000;

StoreStatus from_gerror(GError* raw, std::string_view doing) {
  ErrorPtr error(raw);
  std::string what = std::string(doing) + ": " + (error ? error->message : "unknown error");
  if (!error) return {StoreState::kError, what};
  if (error->domain == G_DBUS_ERROR &&
      (error->code == G_DBUS_ERROR_SERVICE_UNKNOWN || error->code == G_DBUS_ERROR_NAME_HAS_NO_OWNER ||
       error->code == G_DBUS_ERROR_FILE_NOT_FOUND || error->code == G_DBUS_ERROR_NO_SERVER ||
       error->code == G_DBUS_ERROR_DISCONNECTED)) {
    return {StoreState::kNoDaemon, what};
  }
  if (error->domain == SECRET_ERROR) {
    if (error->code == SECRET_ERROR_IS_LOCKED) return {StoreState::kLocked, what};
    if (error->code == SECRET_ERROR_NO_SUCH_OBJECT) return {StoreState::kNotFound, what};
  }
  return {StoreState::kError, what};
}

// Finds the session bus without ever starting one: GIO would otherwise "autolaunch" a
// bus through dbus-launch, and leave a daemon behind.
StoreStatus session_bus_present() {
  const char* address = std::getenv("DBUS_SESSION_BUS_ADDRESS");
  if (address != nullptr && *address != '\0') return {};
  const char* runtime = std::getenv("XDG_RUNTIME_DIR");
  if (runtime != nullptr && *runtime != '\0') {
    std::string socket = std::string(runtime) + "/bus";
    struct stat st {};
    if (stat(socket.c_str(), &st) == 0 && S_ISSOCK(st.st_mode)) {
      std::string value = "unix:path=" + socket;
      setenv("DBUS_SESSION_BUS_ADDRESS", value.c_str(), 1);
      return {};
    }
  }
  return {StoreState::kNoDaemon, "no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is not set)"};
}

class SecretServiceStore final : public TokenStore {
 public:
  explicit SecretServiceStore(Profile profile) : profile_(std::move(profile)) {}

  StoreKind kind() const override { return StoreKind::kSecretService; }
  std::string describe() const override { return "Secret Service (default collection)"; }

  StoreStatus probe() override {
    if (StoreStatus bus = session_bus_present(); !bus.ok()) return bus;
    GError* raw = nullptr;
    ObjectPtr<GDBusConnection> connection(g_bus_get_sync(G_BUS_TYPE_SESSION, nullptr, &raw));
    if (!connection) {
      StoreStatus s = from_gerror(raw, "connecting to the session bus");
      s.state = StoreState::kNoDaemon;
      return s;
    }
    // Ask who owns the name instead of letting D-Bus activation start a daemon: one
    // started that way has no unlock password and would only prompt or fail.
    GVariant* reply = g_dbus_connection_call_sync(
        connection.get(), "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
        "NameHasOwner", g_variant_new("(s)", "org.freedesktop.secrets"), G_VARIANT_TYPE("(b)"),
        G_DBUS_CALL_FLAGS_NONE, kDbusTimeoutMs, nullptr, &raw);
    if (reply == nullptr) {
      StoreStatus s = from_gerror(raw, "asking the session bus for org.freedesktop.secrets");
      s.state = StoreState::kNoDaemon;
      return s;
    }
    gboolean owned = FALSE;
    g_variant_get(reply, "(b)", &owned);
    g_variant_unref(reply);
    if (!owned) {
      return {StoreState::kNoDaemon, "no Secret Service daemon is running on the session bus"};
    }

    ObjectPtr<SecretService> service(secret_service_get_sync(SECRET_SERVICE_NONE, nullptr, &raw));
    if (!service) return from_gerror(raw, "connecting to the Secret Service");
    ObjectPtr<SecretCollection> collection(secret_collection_for_alias_sync(
        service.get(), SECRET_COLLECTION_DEFAULT, SECRET_COLLECTION_NONE, nullptr, &raw));
    if (!collection) {
      if (raw != nullptr) return from_gerror(raw, "opening the default collection");
      return {StoreState::kError, "the Secret Service has no default collection"};
    }
    if (secret_collection_get_locked(collection.get())) {
      return {StoreState::kLocked, "the Secret Service's default collection is locked"};
    }
    return {};
  }

  StoreStatus put(std::string_view item, const Secret& value) override {
    if (StoreStatus s = probe(); !s.ok()) return s;
    std::string label = "tokensweep-login " + std::string(item) + " for " + profile_.client_id +
                        " at " + profile_.issuer;
    std::string item_name(item);
    std::string copy(value.view());  // libsecret wants a C string
    GError* raw = nullptr;
    gboolean stored = secret_password_store_sync(
        schema(), SECRET_COLLECTION_DEFAULT, label.c_str(), copy.c_str(), nullptr, &raw,
        "issuer", profile_.issuer.c_str(), "client_id", profile_.client_id.c_str(), "item",
        item_name.c_str(), nullptr);
    http::wipe(copy);
    if (!stored) return from_gerror(raw, "storing " + item_name);
    return {};
  }

  StoreStatus get(std::string_view item, Secret& out) override {
    if (StoreStatus s = probe(); !s.ok()) return s;
    std::string item_name(item);
    GError* raw = nullptr;
    gchar* password = secret_password_lookup_nonpageable_sync(
        schema(), nullptr, &raw, "issuer", profile_.issuer.c_str(), "client_id",
        profile_.client_id.c_str(), "item", item_name.c_str(), nullptr);
    if (password == nullptr) {
      if (raw != nullptr) return from_gerror(raw, "looking up " + item_name);
      return {StoreState::kNotFound, "no " + item_name + " in the Secret Service"};
    }
    out = Secret(password);
    secret_password_free(password);  // wipes, then frees
    return {};
  }

  StoreStatus remove(std::string_view item) override {
    if (StoreStatus s = probe(); !s.ok()) return s;
    std::string item_name(item);
    GError* raw = nullptr;
    secret_password_clear_sync(schema(), nullptr, &raw, "issuer", profile_.issuer.c_str(),
                               "client_id", profile_.client_id.c_str(), "item", item_name.c_str(),
                               nullptr);
    if (raw != nullptr) return from_gerror(raw, "deleting " + item_name);
    return {};
  }

 private:
  Profile profile_;
};

}  // namespace

std::unique_ptr<TokenStore> make_secret_service_store(Profile profile) {
  return std::make_unique<SecretServiceStore>(std::move(profile));
}

}  // namespace tokensweep::login

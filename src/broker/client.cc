#include "broker/client.h"

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <thread>
#include <unordered_map>

namespace tokensweep::broker {
namespace {

using report::BrokerStatus;

// Runs fn(0..units-1) on at most `concurrency` threads.
void run_bounded(std::size_t units, unsigned concurrency, const std::function<void(std::size_t)>& fn) {
  const std::size_t threads = std::min<std::size_t>(units, std::max(1u, concurrency));
  if (threads <= 1) {
    for (std::size_t i = 0; i < units; ++i) fn(i);
    return;
  }
  std::atomic<std::size_t> next{0};
  std::vector<std::thread> pool;
  pool.reserve(threads);
  for (std::size_t t = 0; t < threads; ++t) {
    pool.emplace_back([&] {
      for (std::size_t i = next++; i < units; i = next++) fn(i);
    });
  }
  for (auto& th : pool) th.join();
}

// One distinct secret for one hook, and the findings that carry it.
struct Task {
  Item item;
  std::vector<std::size_t> findings;
  Verdict verdict;
};

struct HookWork {
  Hook* hook = nullptr;
  std::vector<Task> tasks;
};

class HookRun {
 public:
  HookRun(HookWork& work, AuditLog* audit) : work_(work), audit_(audit) {}

  // Calls `call` over `indices` (task indices) in batches, with the hook's concurrency.
  std::vector<Verdict> batched(const std::vector<std::size_t>& indices, const char* action,
                               std::vector<Verdict> (Hook::*call)(std::span<const Item>) const) {
    std::vector<Verdict> out(indices.size());
    const std::size_t batch = std::max<std::size_t>(1, work_.hook->batch_size());
    const std::size_t units = (indices.size() + batch - 1) / batch;
    run_bounded(units, work_.hook->config().concurrency, [&](std::size_t u) {
      const std::size_t begin = u * batch, end = std::min(indices.size(), begin + batch);
      std::vector<Item> items;
      items.reserve(end - begin);
      for (std::size_t i = begin; i < end; ++i) items.push_back(work_.tasks[indices[i]].item);
      std::vector<Verdict> verdicts = (work_.hook->*call)(items);
      verdicts.resize(items.size(), Verdict{BrokerStatus::kUnknown, "the hook gave too few results"});
      for (std::size_t i = begin; i < end; ++i) {
        out[i] = verdicts[i - begin];
        audit(work_.tasks[indices[i]], action, out[i]);
      }
    });
    return out;
  }

  void audit(const Task& t, const char* action, const Verdict& v) {
    if (!audit_) return;
    audit_->record({work_.hook->name(), action, t.item.rule_id, t.item.fingerprint,
                    report::broker_status_name(v.status), v.detail});
  }

 private:
  HookWork& work_;
  AuditLog* audit_;
};

void run_hook(HookWork& work, const RunOptions& options) {
  if (work.tasks.empty()) return;
  HookRun run(work, options.audit);
  if (Status prepared = work.hook->prepare(); !prepared) {
    for (auto& t : work.tasks) {
      t.verdict = {BrokerStatus::kUnknown, prepared.error().to_string()};
      run.audit(t, "check", t.verdict);
    }
    return;
  }
  std::vector<std::size_t> all(work.tasks.size());
  for (std::size_t i = 0; i < all.size(); ++i) all[i] = i;
  auto checked = run.batched(all, "check", &Hook::check);
  for (std::size_t i = 0; i < all.size(); ++i) work.tasks[i].verdict = checked[i];
  if (!options.revoke) return;

  std::vector<std::size_t> live;
  for (std::size_t i = 0; i < work.tasks.size(); ++i) {
    if (work.tasks[i].verdict.status == BrokerStatus::kActive) live.push_back(i);
  }
  if (live.empty()) return;
  if (!work.hook->can_revoke()) {
    for (auto i : live) work.tasks[i].verdict.detail = "active; this hook has no revocation endpoint";
    return;
  }
  auto revoked = run.batched(live, "revoke", &Hook::revoke);
  std::vector<std::size_t> to_confirm;
  for (std::size_t k = 0; k < live.size(); ++k) {
    Task& t = work.tasks[live[k]];
    if (revoked[k].status == BrokerStatus::kRevoked || revoked[k].status == BrokerStatus::kInactive) {
      to_confirm.push_back(live[k]);
    } else {
      // Still live as far as we know: keep `active`, say why it was not revoked.
      t.verdict = {BrokerStatus::kActive, "revocation failed: " + (revoked[k].detail.empty()
                                                                      ? std::string("the hook answered ") +
                                                                            report::broker_status_name(revoked[k].status)
                                                                      : revoked[k].detail)};
    }
  }
  if (to_confirm.empty()) return;
  // Confirm: ask again. Only a hook that no longer says active gets `revoked`.
  auto confirmed = run.batched(to_confirm, "confirm", &Hook::check);
  for (std::size_t k = 0; k < to_confirm.size(); ++k) {
    Task& t = work.tasks[to_confirm[k]];
    switch (confirmed[k].status) {
      case BrokerStatus::kInactive:
      case BrokerStatus::kRevoked: t.verdict = {BrokerStatus::kRevoked, {}}; break;
      case BrokerStatus::kActive: t.verdict = {BrokerStatus::kActive, "still active after the hook accepted its revocation"}; break;
      default:
        t.verdict = {BrokerStatus::kUnknown, "revocation accepted but not confirmed: " + confirmed[k].detail};
    }
  }
}

}  // namespace

Client::Client(Client&&) noexcept = default;
Client& Client::operator=(Client&&) noexcept = default;
Client::~Client() = default;

Result<Client> Client::create(const BrokerConfig& config) {
  Client client;
  for (const auto& h : config.hooks) {
    auto hook = make_hook(h);
    if (!hook) return hook.error();
    client.hooks_.push_back(std::move(hook).value());
  }
  return client;
}

RunSummary Client::run(report::Report& report, const RunOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  RunSummary summary;
  std::vector<HookWork> work(hooks_.size());
  for (std::size_t h = 0; h < hooks_.size(); ++h) work[h].hook = hooks_[h].get();

  // Route each distinct secret once. A secret that a provider-specific rule recognised
  // (github, slack, ...) goes only where such a finding is claimed, even if a generic
  // rule also saw it: a GitHub token must never reach a hook that claims only `generic`.
  std::unordered_map<std::string, std::vector<std::size_t>> by_fingerprint;
  std::vector<std::string> order;
  for (std::size_t i = 0; i < report.findings.size(); ++i) {
    auto [it, fresh] = by_fingerprint.try_emplace(report.findings[i].fingerprint);
    if (fresh) order.push_back(report.findings[i].fingerprint);
    it->second.push_back(i);
  }
  for (const auto& fingerprint : order) {
    const std::vector<std::size_t>& indices = by_fingerprint[fingerprint];
    bool specific = false;
    for (std::size_t i : indices) specific |= report.findings[i].provider != "generic";
    std::size_t hook = hooks_.size(), via = 0;
    for (std::size_t h = 0; h < hooks_.size() && hook == hooks_.size(); ++h) {
      for (std::size_t i : indices) {
        const report::Finding& f = report.findings[i];
        if ((!specific || f.provider != "generic") && hooks_[h]->config().match.claims(f)) {
          hook = h;
          via = i;
          break;
        }
      }
    }
    if (hook == hooks_.size()) {
      summary.unclaimed_findings += indices.size();
      continue;
    }
    HookWork& w = work[hook];
    const report::Finding& f = report.findings[via];
    Task t;
    t.item = Item{f.fingerprint, f.kind, f.provider, f.rule_id, {}};
    if (w.hook->needs_secret() && f.secret) t.item.secret = f.secret->reveal(SecretBytes::RevealKey{});
    t.findings = indices;
    w.tasks.push_back(std::move(t));
  }

  std::vector<std::thread> threads;
  for (auto& w : work) {
    if (!w.tasks.empty()) threads.emplace_back([&w, &options] { run_hook(w, options); });
  }
  for (auto& t : threads) t.join();

  // Verdicts onto findings; faults into diagnostics, one per hook and cause.
  for (auto& w : work) {
    std::map<std::string, std::size_t> causes;
    for (auto& t : w.tasks) {
      t.item.secret = {};
      ++summary.secrets;
      switch (t.verdict.status) {
        case BrokerStatus::kActive: ++summary.active; break;
        case BrokerStatus::kInactive: ++summary.inactive; break;
        case BrokerStatus::kRevoked: ++summary.revoked; break;
        default: ++summary.unknown; break;
      }
      if (!t.verdict.detail.empty()) ++causes[t.verdict.detail];
      for (std::size_t i : t.findings) report.findings[i].status = t.verdict.status;
    }
    for (const auto& [cause, n] : causes) {
      summary.diagnostics.push_back(Diagnostic{"broker:" + w.hook->name(), error_code_name(ErrorCode::kNetwork),
                                               std::to_string(n) + (n == 1 ? " secret: " : " secrets: ") + cause,
                                               /*incomplete=*/false});
    }
  }
  summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return summary;
}

}  // namespace tokensweep::broker

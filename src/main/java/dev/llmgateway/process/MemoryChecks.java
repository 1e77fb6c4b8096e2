package dev.llmgateway.process;

import dev.llmgateway.config.ByteSize;
import dev.llmgateway.config.ConfigProblem;
import dev.llmgateway.config.GatewayConfig;
import dev.llmgateway.config.LocalModel;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@code config check} says about memory on this machine: models that can never be loaded
 * (larger than their device's budget) and devices that do not exist here. Blocking (reads GGUF
 * headers).
 */
public final class MemoryChecks {

  private MemoryChecks() {
  }

  /** The warnings, and one line per model whose cost is estimated (what it is). */
  public record Result(List<ConfigProblem> warnings, List<String> estimates) {
  }

  public static Result check(GatewayConfig config, DeviceProbe probe) {
    ModelPlans plans = ModelPlans.build(config, probe);
    List<ConfigProblem> out = new ArrayList<>();
    List<String> estimates = new ArrayList<>();
    List<LocalModel> models = config.localModels();
    for (int i = 0; i < models.size(); i++) {
      LocalModel m = models.get(i);
      ModelPlan p = plans.plans().get(m.id());
      if (p == null) {
        continue;
      }
      String at = "local_models[" + i + "] (" + m.id() + ")";
      if (config.gateway().memory().auto() && m.scheduling().device() != null
          && !probe.totals().containsKey(p.device())) {
        out.add(ConfigProblem.warning(at + ".device", "device " + p.device() + " does not exist on this "
            + "machine (found: " + String.join(", ", probe.totals().keySet()) + "; " + probe.source() + ")"));
      }
      long usable = plans.usable(p.device());
      if (p.bytes() > usable) {
        Long budget = plans.budgets().get(p.device());
        out.add(ConfigProblem.warning(at + (p.estimated() ? ".path" : ".memory"), "needs "
            + ByteSize.format(p.bytes()) + (p.estimated() ? " (estimated from the GGUF)" : "") + " but "
            + p.device() + " has a budget of " + ByteSize.format(budget == null ? 0 : budget) + " with "
            + ByteSize.format(plans.reserveBytes()) + " reserved: requests for it will be refused "
            + "(model_too_large)"));
      }
      if (p.estimated()) {
        estimates.add(m.ref() + ": " + ByteSize.format(p.bytes()) + " on " + p.device() + " (estimated from "
            + "the GGUF for n_ctx " + p.nCtx() + "; memory: overrides it)");
      } else if (p.note() != null) {
        estimates.add(m.ref() + ": " + p.note());
      }
    }
    return new Result(out, estimates);
  }
}

import { casesWithRepeats, sampleSizePairedExact, sampleSizeTwoProportionsExact } from '@assay/core';
import { ConfigError } from '@assay/spec';

export interface PlanCommandOptions {
  baselineRate: string;
  detect: string;
  power?: string;
  alpha?: string;
  repeats?: number;
  icc?: string;
  discordance?: string;
  json?: boolean;
}

function share(name: string, value: string | undefined, fallback: number, open = false): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  const ok = Number.isFinite(number) && (open ? number > 0 && number < 1 : number >= 0 && number <= 1);
  if (!ok) {
    throw new ConfigError(`${name} must be a number ${open ? 'strictly ' : ''}between 0 and 1, got "${value}"`, {
      hint: `e.g. ${name} 0.9 (rates are shares, not percentages)`,
      docs: 'plan.md',
    });
  }
  return number;
}

/** `assay plan`: cases (and repeats) needed to detect a difference, unpaired and paired. */
export async function planCommand(options: PlanCommandOptions): Promise<number> {
  const baselineRate = share('--baseline-rate', options.baselineRate, 0, true);
  const detect = share('--detect', options.detect, 0, true);
  const power = share('--power', options.power, 0.8, true);
  const alpha = share('--alpha', options.alpha, 0.05, true);
  const repeats = options.repeats ?? 1;
  if (baselineRate + detect > 1 && baselineRate - detect < 0) {
    throw new ConfigError(`A difference of ${detect} cannot fit around a baseline rate of ${baselineRate}`, { hint: 'Use a smaller --detect.', docs: 'plan.md' });
  }
  if (repeats > 1 && options.icc === undefined) {
    throw new ConfigError('--repeats needs --icc: how alike repeats of one case are (0 = independent, 1 = identical)', {
      hint: 'Run your suite with --repeat 3 once; the "Repeats" section prints the intra-case correlation to use.',
      docs: 'plan.md',
    });
  }
  const icc = share('--icc', options.icc, 0);
  const discordance = options.discordance === undefined ? undefined : share('--discordance', options.discordance, 0, true);
  // Plan for an improvement when there is room above the baseline, else for a drop.
  const difference = baselineRate + detect <= 1 ? detect : -detect;
  const target = baselineRate + difference;
  // Sized for the tests `assay compare` runs on cases run once (exact McNemar, Fisher's exact test):
  // at the normal approximation's sizes they fall short of the power asked for (issue 10).
  const unpaired = sampleSizeTwoProportionsExact({ baselineRate, difference, alpha, power });
  const paired = sampleSizePairedExact({ baselineRate, difference, alpha, power, discordance });
  const plan = {
    baselineRate,
    targetRate: target,
    difference,
    alpha,
    power,
    unpaired: {
      casesPerArm: unpaired.cases,
      calls: 2 * unpaired.cases,
      test: unpaired.test,
      power: unpaired.power,
      normalApproximation: { casesPerArm: unpaired.normalApproximation.cases, power: unpaired.normalApproximation.power },
    },
    paired: {
      cases: paired.cases,
      discordance: paired.discordance,
      discordanceAssumed: paired.assumed,
      test: paired.test,
      power: paired.power,
      normalApproximation: { cases: paired.normalApproximation.cases, power: paired.normalApproximation.power },
    },
    // With repeats `compare` runs bootstrap tests over cases, which the normal approximation describes:
    // its sizes, spread over the repeats by the design effect.
    ...(repeats > 1
      ? {
          repeats: {
            k: repeats,
            icc,
            test: 'bootstrap',
            unpairedCasesPerArm: casesWithRepeats(unpaired.normalApproximation.cases, repeats, icc),
            pairedCases: casesWithRepeats(paired.normalApproximation.cases, repeats, icc),
          },
        }
      : {}),
  };
  if (options.json) {
    process.stdout.write(`${JSON.stringify(plan, null, 2)}\n`);
    return 0;
  }
  const pct = (value: number) => `${(value * 100).toFixed(1)}%`;
  const count = (value: number) => value.toLocaleString('en-US');
  const unpairedTest = unpaired.test === 'fisher-exact' ? "Fisher's exact test" : 'pooled z-test';
  const lines = [
    `To detect ${pct(baselineRate)} → ${pct(target)} (${(Math.abs(difference) * 100).toFixed(1)} points) with ${pct(power)} power at α = ${alpha} (two-sided):`,
    '',
    `  unpaired (different cases per prompt):   ${count(unpaired.cases)} cases per prompt (${count(2 * unpaired.cases)} calls): ${unpairedTest}, ${pct(unpaired.power)} power`,
    `  paired (same cases):                     ${count(paired.cases)} cases (${count(2 * paired.cases)} calls): exact McNemar, ${pct(paired.power)} power`,
    paired.assumed
      ? `      assumes outcomes are independent between prompts (${pct(paired.discordance)} of cases differ); prompts that agree more need fewer — pass --discordance from a past comparison`
      : `      with ${pct(paired.discordance)} of cases differing between the prompts`,
    '',
    `  Sized for the tests \`assay compare\` runs. The normal-approximation formulas would give ${count(unpaired.normalApproximation.cases)} unpaired`,
    `  and ${count(paired.normalApproximation.cases)} paired, where those tests have ${pct(unpaired.normalApproximation.power)} and ${pct(paired.normalApproximation.power)} power.`,
  ];
  if (plan.repeats) {
    lines.push(
      '',
      `  with ${repeats} repeats per case (intra-case correlation ${icc}; \`compare\` then runs bootstrap tests over cases, sized by the normal approximation):`,
      `      unpaired: ${count(plan.repeats.unpairedCasesPerArm)} cases per prompt × ${repeats} = ${count(plan.repeats.unpairedCasesPerArm * repeats)} calls per prompt`,
      `      paired:   ${count(plan.repeats.pairedCases)} cases × ${repeats} = ${count(plan.repeats.pairedCases * repeats)} calls per prompt`,
    );
  }
  lines.push('', 'Paired designs (one dataset, both prompts) are what `assay compare` and `--baseline` test.');
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}

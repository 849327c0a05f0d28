/** A rate or mean with its sample size and 95% interval. `estimate` is null when n = 0. */
export interface Estimate {
  n: number;
  estimate: number | null;
  ci95: [number, number] | null;
}

export type Verdict = 'better' | 'worse' | 'no detectable difference';

/** The statistical test behind one comparison row. */
export type ComparisonTestName =
  | 'mcnemar-exact'
  | 'paired-bootstrap'
  | 'wilcoxon-signed-rank'
  | 'newcombe-unpaired'
  | 'bootstrap-unpaired';

/**
 * One prompt × provider cell (or one metric in it) of run B against the same cell of run A.
 * `difference` is candidate − baseline; positive is better.
 */
export interface CellComparison {
  /** `prompt × provider` in the candidate run. */
  cell: string;
  /** `prompt × provider` in the baseline run (differs when cells were matched by position). */
  baselineCell: string;
  /** `pass` for the case pass rate, `score` for the mean case score, else a metric name. */
  metric: string;
  kind: 'rate' | 'score';
  baseline: Estimate;
  candidate: Estimate;
  /** Cases present in both runs (paired); 0 when the comparison is unpaired. */
  paired: number;
  difference: number | null;
  /** The difference's interval at the comparison's confidence, made to agree with `pValue`: it reaches 0 exactly when pValue ≥ α. */
  ci95: [number, number] | null;
  /**
   * The interval that agrees with `adjustedPValue` and the verdict: computed at the confidence of
   * the Holm step that decided the row (`adjustedConfidence`, at least the comparison's), and
   * reaching 0 exactly when the verdict is `no detectable difference`. What the console and the
   * report show. Absent in comparisons stored before issue 11.
   */
  adjustedCi?: [number, number] | null;
  /** The confidence of `adjustedCi`: 1 − α/(m − i) for the Holm step i that decided the row. */
  adjustedConfidence?: number | null;
  test: ComparisonTestName;
  pValue: number | null;
  /** Holm-adjusted across every row of the comparison. */
  adjustedPValue: number | null;
  verdict: Verdict;
  /**
   * For `no detectable difference`: the smallest difference this sample had 80% power to detect
   * (at the unadjusted α). Null when the row is better or worse, when no difference could reach
   * that power with this n, or when the observed difference is already at least that large; `note` says which.
   */
  minimumDetectableEffect: number | null;
  /** Why a `no detectable difference` row has no minimum detectable effect, in one sentence. */
  note?: string;
  /** Case ids (with `#repeat` when repeated) that passed in the baseline and fail in the candidate. */
  flippedToFail: string[];
  /** Case ids that failed in the baseline and pass in the candidate. */
  flippedToPass: string[];
}

export interface ComparedRun {
  id: string;
  label?: string;
  /** Where it came from: `store` or the path of a results JSON file. */
  source: string;
  createdAt?: string;
}

export interface RunComparison {
  baseline: ComparedRun;
  candidate: ComparedRun;
  /** Significance level for verdicts (1 − confidence). */
  alpha: number;
  correction: 'holm';
  cells: CellComparison[];
  warnings: string[];
}

/** Repeats of each case (`--repeat k`, k > 1): how stable the outcome is. */
export interface RepeatSummary {
  /** Repeats per case (the most any case had). */
  k: number;
  cases: number;
  /** Share of cases that passed at least once in k tries (pass@k, Chen et al. 2021 estimator). */
  passAtK: number | null;
  /** Share of cases that passed all k tries (pass^k). */
  passAllK: number | null;
  /** Cases that passed some repeats and failed others. */
  flakyCases: number;
  flakinessRate: number | null;
  /** Up to 100 flaky case ids, with their pass fraction. */
  flaky: { caseId: string; passed: number; repeats: number }[];
  /** Intra-case correlation of pass/fail (ANOVA estimator), used for the cluster-aware interval. */
  icc: number | null;
  designEffect: number | null;
}

/** One gate from the suite's `gate:` block, evaluated on a finished run. */
export interface GateResult {
  /** e.g. `minPassRate`, `metric:accuracy`, `noSignificantRegression`, `maxCostPerCase`. */
  gate: string;
  /** `prompt × provider`, when the gate is checked per cell. */
  cell?: string;
  ok: boolean;
  /** One line with the numbers behind the decision. */
  detail: string;
  /** The value compared against the limit (the interval's lower bound unless `use: estimate`). */
  value: number | null;
  limit: number | null;
}

// Package eval evaluates routers offline, on outcomes datasets
// (dataset.Dataset of github.com/llmrouter/llmrouter/dataset): the binary
// strong/weak metrics of RouteLLM, the
// cost-quality curve of an N-model router, their baselines, grouped k-fold
// cross-validation, and plots.
//
// Every function is a pure computation on its arguments: it never modifies
// them and is safe for concurrent use. Bad input (mismatched lengths, empty
// slices, NaN or infinite values) is reported as an error, never a panic.
//
// # Binary routing (strong vs weak)
//
// For prompts i = 1..n the inputs are the strong model's score s_i, the weak
// model's score w_i (both in [0,1], higher is better) and a router score r_i
// (higher = more reason to call the strong model). A threshold t sends
// prompt i to the strong model when r_i ≥ t.
//
//   - Strong-call share: the fraction of prompts sent to the strong model.
//   - Quality q(t): the mean over prompts of the chosen model's score.
//   - q_weak, q_strong: the quality of sending everything to the weak,
//     resp. the strong, model (the means of w and s).
//   - PGR (performance gap recovered) = (q − q_weak)/(q_strong − q_weak):
//     0 at all-weak, 1 at all-strong; an oracle can exceed 1.
//   - APGR: the area under PGR plotted against the strong-call share, by the
//     trapezoid rule, divided by the span of shares (which is [0,1] here).
//     It is computed two ways. DecileCurve / APGR do what RouteLLM's
//     evaluation does (routellm/evals/benchmarks.py and evaluate.py in
//     github.com/lm-sys/RouteLLM): thresholds are the 11 quantiles of the
//     router scores at 0, 0.1, …, 1 (pandas.qcut bin edges: linear
//     interpolation between order statistics), "≥" at every threshold but
//     the last, where ">" is used so that point has no strong calls; the
//     area is then numpy.trapz over the realised shares, normalised as
//     (AUC − AUC_weak)/(AUC_strong − AUC_weak). StepCurve / StepAPGR use
//     every distinct router score as a threshold: the exact curve.
//   - CPT(x%): the smallest strong-call share at which PGR reaches x%,
//     reading the curve as straight segments between its points (CPT(50%)
//     and CPT(80%) are reported). RouteLLM interpolates the same segments
//     with numpy.interp, which agrees whenever PGR rises with the share.
//
// Ties in router scores are never broken: a group of equal scores moves to
// the strong model at one threshold, all together. On the exact curve the
// straight segment across such a jump is the expected result of breaking the
// tie at random; nothing looks at the labels. With many ties the decile
// curve's shares differ from the nominal 10% steps (RouteLLM's pandas.qcut
// would reject duplicate edges; here duplicate thresholds give duplicate
// points of zero width).
//
// Baselines: RandomCurve is the expected curve of random routing (PGR =
// share, APGR exactly 0.5), SimulatedRandomAPGR averages seeded random
// routers; OracleCurve is the best quality reachable with at most a given
// share of strong calls (largest gains s_i − w_i first, as RouteLLM's
// get_optimal_accuracy), OracleScores the same oracle as router scores;
// LengthScores routes by prompt length.
//
// # N models with costs
//
// A router predicts the quality p_ij of model j on prompt i; each model has
// a decision cost c_j (its mean cost on training data). For a weight λ ≥ 0
// the router sends prompt i to argmax_j p_ij − λ·c_j (ties: the cheaper
// model, then the first). SweepLambda evaluates a sweep of λ (by default 0
// and 200 geometric steps up to a λ that sends everything to the cheapest
// model); each λ gives a point (mean realised cost, mean realised score),
// where realised means the row's own cost and score of the chosen model.
// UpperHull gives the upper-left convex hull of the points (any point on an
// edge is reached by mixing its two end points at random), ParetoFront the
// undominated points. EvaluateMulti reports the cost needed to reach 95% and
// 100% of the best single model's quality (the model of highest mean
// score), as a fraction of that model's mean cost: at the cheapest
// operating point reaching it (Router), along the router's hull
// (RouterHull), along the hull of the single models (Mix: a random mix of
// two single models, the straight line between their points), and for the
// oracle (Oracle: per prompt the cheapest model among those with the best
// realised score).
//
// # Cascades
//
// Cascade scores answering with the weak model first and escalating to the
// strong model when a per-prompt escalation score (e.g. a verifier's reject
// probability) is ≥ a threshold: every request pays the weak model, escalated
// ones pay both. PreRoute scores a prompt-only router on the same terms (only
// the chosen model is paid). Both report quality, PGR and cost (as a share of
// always-strong) over the escalation (strong-call) share, APGR over that
// share, and the cost to reach 95% of the strong model's quality.
//
// # Cross-validation
//
// GroupKFold deals groups of identical prompt strings (a prompt repeated
// under several ids must not be on both sides of a split) to k folds,
// deterministically for a seed, optionally balanced per stratum (task).
//
// # Plots
//
// PGRPlot draws PGR against the strong-call share (routers, random,
// oracle); CostQualityPlot draws a MultiReport (router points and hull,
// single models, their mixes, oracle). Both return a *plot.Plot of
// gonum.org/v1/plot; SavePlot writes it as SVG, PNG or PDF.
package eval

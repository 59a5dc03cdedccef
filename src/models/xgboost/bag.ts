import { DataError } from '../../errors.ts';

/**
 * Several boosters' JSON models (`saveJson()` output) as one model whose
 * prediction is the mean of theirs. Each tree's leaves are divided by the number
 * of boosters and the trees are laid end to end, one per round: XGBoost sums
 * every tree's leaf, so the sum is the average. The result is a plain XGBoost
 * model that any binding predicts, explains (TreeSHAP is additive over trees)
 * and ranks features of as it would one booster. Rounds no longer mean boosting
 * steps in it, so its `best_iteration` names its last tree.
 *
 * The boosters must share objective and features: reg:squarederror or a ranking
 * objective (no link function, so averaging margins averages predictions), and
 * no multi-output.
 */
export function averageBoosters(models: readonly string[]): string {
  if (models.length === 0) throw new Error('No boosters to average.');
  const parsed = models.map((json) => JSON.parse(json) as XGBoostModel);
  if (parsed.length === 1) return models[0];
  const first = parsed[0].learner;
  const objective = first.objective.name;
  if (objective !== 'reg:squarederror' && !objective.startsWith('rank:')) {
    throw new DataError(
      `Only reg:squarederror and ranking boosters can be averaged (got ${objective}).`,
    );
  }
  const share = 1 / parsed.length;
  const trees: XGBoostTree[] = [];
  let baseScore = 0;
  for (const { learner } of parsed) {
    if (learner.objective.name !== objective) {
      throw new DataError('Boosters with different objectives cannot be averaged.');
    }
    if (learner.learner_model_param.num_feature !== first.learner_model_param.num_feature) {
      throw new DataError('Boosters with different features cannot be averaged.');
    }
    const model = learner.gradient_booster.model;
    if (
      learner.gradient_booster.name !== 'gbtree' ||
      model.tree_info.some((group) => group !== 0)
    ) {
      throw new DataError('Only single-output tree boosters can be averaged.');
    }
    baseScore += Number(learner.learner_model_param.base_score) * share;
    for (const tree of model.trees) trees.push(scaledTree(tree, share, trees.length));
  }
  const merged = structuredClone(parsed[0]);
  const { learner } = merged;
  learner.learner_model_param.base_score = float32Text(baseScore);
  learner.gradient_booster.model = {
    ...learner.gradient_booster.model,
    gbtree_model_param: {
      ...learner.gradient_booster.model.gbtree_model_param,
      num_parallel_tree: '1',
      num_trees: String(trees.length),
    },
    tree_info: trees.map(() => 0),
    trees,
  };
  learner.attributes = {
    ...learner.attributes,
    best_iteration: String(trees.length - 1),
    best_ntree_limit: String(trees.length),
    averaged_boosters: String(parsed.length),
  };
  delete learner.attributes.best_score;
  return modelJson(merged);
}

/** The tree fields XGBoost reads as floats; its parser refuses `1` where it expects `1.0`. */
const FLOAT_FIELDS = new Set(['base_weights', 'loss_changes', 'split_conditions', 'sum_hessian']);
const WHOLE = '\u0001whole:';

/** JSON as XGBoost writes it: the whole numbers of float fields keep their decimal point. */
function modelJson(model: XGBoostModel): string {
  const json = JSON.stringify(model, (key, value: unknown) =>
    FLOAT_FIELDS.has(key) && Array.isArray(value)
      ? value.map((v: number) => (Number.isInteger(v) && Math.abs(v) < 1e15 ? `${WHOLE}${v}` : v))
      : value,
  );
  return json.replace(/"\\u0001whole:(-?\d+)"/g, '$1.0');
}

/**
 * A float32 in at most 9 significant digits. XGBoost reads a parameter with more digits
 * than a float holds as no value at all, and quietly takes its default (0.5 for base_score).
 */
function float32Text(value: number): string {
  const single = Math.fround(value);
  for (let digits = 1; digits < 9; digits++) {
    const text = single.toPrecision(digits);
    if (Math.fround(Number(text)) === single) return String(Number(text));
  }
  return String(Number(single.toPrecision(9)));
}

/** A tree with every node's weight (and so every leaf) times `share`, renumbered `id`. */
function scaledTree(tree: XGBoostTree, share: number, id: number): XGBoostTree {
  const leaf = (node: number) => tree.left_children[node] === -1;
  return {
    ...tree,
    id,
    base_weights: tree.base_weights.map((w) => w * share),
    // A leaf's value is stored where a split's threshold would be.
    split_conditions: tree.split_conditions.map((c, node) => (leaf(node) ? c * share : c)),
  };
}

interface XGBoostTree {
  id: number;
  left_children: number[];
  base_weights: number[];
  split_conditions: number[];
  [field: string]: unknown;
}

interface XGBoostModel {
  learner: {
    attributes: Record<string, string>;
    objective: { name: string };
    learner_model_param: { base_score: string; num_feature: string; [field: string]: string };
    gradient_booster: {
      name: string;
      model: {
        gbtree_model_param: Record<string, string>;
        tree_info: number[];
        trees: XGBoostTree[];
        [field: string]: unknown;
      };
    };
    [field: string]: unknown;
  };
  [field: string]: unknown;
}

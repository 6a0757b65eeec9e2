import assert from "node:assert/strict";
import { test } from "node:test";
import { englishInOutputs, englishReason } from "../../publish/i18n/outputs";
import { proseWords } from "../../src/i18n/english";

// Lines of the executed Chinese notebooks the QA report (/tmp/qa-zh/REPORT.md §2) quoted: English a reader sees.
const FLAGGED: [string, string[]][] = [
  ["斜率 after 20 steps: 1.6230 (½·MSE, η), 1.6230 (MSE, η/2), 2.5955 (MSE, η)", ["after", "steps"]],
  ["L1 0.031×, L2 1.000× of 5.639", ["of"]],
  ["ε = 1e-8: 6.7e-6; default ε: 0.90", ["default"]],
  ["at |g| = 1e-6: tf.train.adam 0.9091, Keras's formula 0.2403", ["at", "formula"]],
  ["Adam slopes 0.983541, 0.983541", ["slopes"]],
  ["效应：GD at η* = 2/(μ+L)；阴性对照：GD at η = 1/L", ["at", "at"]],
  ["效应：0.580 vs 0.672, 0.541 vs 0.642", ["vs", "vs"]],
  ["clean labels, p = 0，种子 0", ["clean", "labels"]],
  ["p = 0.5 + max-norm 1，种子 0", ["max-norm"]],
  ["Images (16)", ["Images"]],
  ["SGD + momentum 0.9 lr=0.3（种子 1）（训练）", ["momentum"]],
  ["learning rate η = ", ["learning", "rate"]],
];

// Lines that read right in Chinese: names, symbols, identifiers, code, numbers, glosses kept on purpose.
const NOT_FLAGGED = [
  "在 y = 3x + 2 上运行 SGD",
  "ReLU，He 初始化",
  "Adam + L2 对比 AdamW：过程中的最大差距 0.082",
  "MNIST 多层感知机（MLP），一轮，各优化器使用各自最佳 η（种子 1）",
  "预热（warm-up，LinearLR）",
  "轮（epoch，遍历训练集的次数）",
  "学习率范围测试（lr range test）：121 步",
  "tf.train.adam（ε = 1e-7 加在 √v̂ 上）",
  "floor(0.1) / floor(η)",
  "log₁₀(f − f_min + 1)",
  "SGD weightDecay（权重衰减）",
  "没有加载 CIFAR-10（dataset = \"mnist\"）：只测量了 MNIST 这一半",
  "每步之后 applyMaxNorm(3) 在 3 个种子上都使每列范数 ≤ 3",
  "效应：h 网格上的 optim.SGD({ momentum: β, nesterov: true })",
  "文章 5：x·mask，不重新缩放",
  "用 `clipGradNorm` 裁剪",
  "L1 0.031×，L2 1.000×（相对于无惩罚项时的 5.639）",
  "'TypeScript (optimlab) 内核，Node v20.20.2'",
  "5000 条随机弦中位于函数图像下方的比例：Booth 0，x² 0，Himmelblau 0.3688",
  "-Infinity",
];

test("proseWords finds English words inside mixed Chinese/English lines from the QA report, and nothing else", () => {
  for (const [line, words] of FLAGGED) assert.deepEqual(proseWords(line), words, line);
  for (const line of NOT_FLAGGED) assert.deepEqual(proseWords(line), [], line);
});

test("englishReason reports a mixed line that no catalog pattern and no library phrase covers (QA 2.8)", () => {
  for (const [line] of FLAGGED) assert.match(englishReason(line, "zh") ?? "", /English words|catalog/, line);
  assert.equal(englishReason("斜率 after 20 steps: 1.6230 (½·MSE, η)", "zh"), "English words: after, steps");
  for (const line of NOT_FLAGGED) assert.equal(englishReason(line, "zh"), undefined, line);
});

test("englishInOutputs: table cells, slider prefixes and figure titles; keys of a printed object are names", () => {
  const notebook = {
    cells: [
      {
        cell_type: "code",
        outputs: [
          { output_type: "display_data", data: { "text/html": "<table><tr><th>labels</th><th>准确率</th></tr><tr><td>20% wrong (§3)</td><td>0.9</td></tr></table>" } },
          {
            output_type: "display_data",
            data: { "application/vnd.plotly.v1+json": { data: [], layout: { title: { text: "Images (16)" }, sliders: [{ currentvalue: { prefix: "dropout p = " } }] } } },
          },
          { output_type: "execute_result", data: { "text/plain": "{ dataset: 'mnist', train: [ 4096, 784 ], finalLoss: 0.01 }" } },
          { output_type: "stream", name: "stdout", text: "{ trainModeDiff: 3.75, evalModeDiff: 0 }\n" },
          { output_type: "error", ename: "Error", evalue: "the check fails on the effect" },
        ],
      },
    ],
  };
  assert.deepEqual(
    englishInOutputs(notebook, "zh").map((e) => `${e.where}: ${e.line}`),
    ["text/html: labels", "text/html: 20% wrong (§3)", "figure: Images (16)", "figure: dropout p ="],
  );
});

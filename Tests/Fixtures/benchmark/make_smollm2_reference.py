"""Reference answers of transformers to the mini benchmark (mini/), 5-shot, for SmolLM2-135M-Instruct.

Builds each prompt on its own from the CSV files (Hendrycks' MMLU format), tokenizes it with the tokenizer
transformers converts from the GGUF file (adding whatever special tokens it adds by default), runs the model
transformers loads from the same GGUF file (weights dequantized to float32), and records the next-token logits
of " A", " B", " C" and " D" at the last position (smollm2-reference.json).

The cloze form (smollm2-cloze-reference.json): the same header, each shot as its question, "Answer: " and the right
option's text, then the question and "Answer:"; each option (a space and its text, tokenized on its own) is
appended to the prompt and its tokens' log-probabilities summed and divided by its UTF-8 bytes.

Run from the repository root with the anchor environment:
    ~/.cache/qlora-anchor/bin/python Tests/Fixtures/benchmark/make_smollm2_reference.py
"""
import csv
import json
import os

import torch
import transformers
from transformers import AutoModelForCausalLM, AutoTokenizer

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
MODEL_DIR = os.path.join(ROOT, ".cache", "models", "smollm2-135m")
GGUF = "SmolLM2-135M-Instruct.Q4_1.gguf"
SHOTS = 5
LETTERS = ["A", "B", "C", "D"]


def rows(path):
    with open(path, newline="", encoding="utf-8") as f:
        return [r for r in csv.reader(f) if r]


def block(row, solved):
    text = row[0]
    for letter, choice in zip(LETTERS, row[1:5]):
        text += "\n" + letter + ". " + choice
    text += "\nAnswer:"
    if solved:
        text += " " + row[5] + "\n\n"
    return text


def cloze_block(row, solved):
    text = row[0] + "\nAnswer:"
    if solved:
        text += " " + row[1 + LETTERS.index(row[5])] + "\n\n"
    return text


def cloze(tokenizer, model):
    questions = []
    for name in sorted(os.listdir(os.path.join(HERE, "mini", "test"))):
        stem = name[: -len("_test.csv")]
        subject = stem.replace("_", " ")
        dev = rows(os.path.join(HERE, "mini", "dev", stem + "_dev.csv"))[:SHOTS]
        header = "The following are multiple choice questions (with answers) about " + subject + ".\n\n"
        for index, row in enumerate(rows(os.path.join(HERE, "mini", "test", name))):
            prompt = header + "".join(cloze_block(r, True) for r in dev) + cloze_block(row, False)
            ids = tokenizer(prompt)["input_ids"]
            scores, option_ids = [], []
            for choice in row[1:5]:
                option = tokenizer(" " + choice, add_special_tokens=False)["input_ids"]
                with torch.no_grad():
                    logits = model(torch.tensor([ids + option])).logits[0].double()
                logp = torch.log_softmax(logits, dim=-1)
                total = sum(float(logp[len(ids) - 1 + j, t]) for j, t in enumerate(option))
                scores.append(total / len((" " + choice).encode("utf-8")))
                option_ids.append(option)
            questions.append({
                "subject": subject, "index": index, "input_ids": ids, "option_ids": option_ids, "scores": scores,
                "predicted": LETTERS[max(range(4), key=lambda i: scores[i])], "gold": row[5],
            })
    return questions


def main():
    tokenizer = AutoTokenizer.from_pretrained(MODEL_DIR, gguf_file=GGUF)
    model = AutoModelForCausalLM.from_pretrained(MODEL_DIR, gguf_file=GGUF, torch_dtype=torch.float32)
    model.eval()
    letter_ids = [tokenizer(" " + l, add_special_tokens=False)["input_ids"][0] for l in LETTERS]
    questions = []
    for name in sorted(os.listdir(os.path.join(HERE, "mini", "test"))):
        stem = name[: -len("_test.csv")]
        subject = stem.replace("_", " ")
        dev = rows(os.path.join(HERE, "mini", "dev", stem + "_dev.csv"))[:SHOTS]
        header = "The following are multiple choice questions (with answers) about " + subject + ".\n\n"
        for index, row in enumerate(rows(os.path.join(HERE, "mini", "test", name))):
            prompt = header + "".join(block(r, True) for r in dev) + block(row, False)
            ids = tokenizer(prompt)["input_ids"]
            with torch.no_grad():
                logits = model(torch.tensor([ids])).logits[0, -1]
            scores = [float(logits[i]) for i in letter_ids]
            questions.append({
                "subject": subject, "index": index, "input_ids": ids, "scores": scores,
                "predicted": LETTERS[max(range(4), key=lambda i: scores[i])], "gold": row[5],
            })
    out = {
        "source": "transformers " + transformers.__version__ + ", torch " + torch.__version__
                  + ", SmolLM2-135M-Instruct from " + GGUF + " (dequantized to float32), tokenizer converted from the GGUF file",
        "shots": SHOTS,
        "letter_ids": letter_ids,
        "questions": questions,
    }
    with open(os.path.join(HERE, "smollm2-reference.json"), "w", encoding="utf-8") as f:
        json.dump(out, f, indent=1, ensure_ascii=False)
        f.write("\n")
    out = {"source": out["source"], "shots": SHOTS, "scoring": "cloze", "questions": cloze(tokenizer, model)}
    with open(os.path.join(HERE, "smollm2-cloze-reference.json"), "w", encoding="utf-8") as f:
        json.dump(out, f, indent=1, ensure_ascii=False)
        f.write("\n")


if __name__ == "__main__":
    main()

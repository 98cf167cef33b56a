#!/usr/bin/env python3
"""Writes published_prices.json next to this script: the entries of LiteLLM's public price file
(model_prices_and_context_window.json) that PublishedPricesTest compares the built-in table with, values
untouched, price fields only. Usage: extract_published_prices.py <path to model_prices_and_context_window.json>"""
import json
import os
import sys

PROVIDERS = {"gemini", "bedrock", "bedrock_converse", "azure", "groq", "together_ai", "fireworks_ai", "mistral",
             "deepseek", "openrouter", "xai", "cerebras", "perplexity"}
KEEP = {"litellm_provider", "mode", "max_output_tokens", "max_tokens"}

src = json.load(open(sys.argv[1]))
out = {"last_updated": src.get("last_updated")}
for key, entry in src.items():
    if not isinstance(entry, dict) or entry.get("litellm_provider") not in PROVIDERS:
        continue
    if entry.get("mode") not in ("chat", "responses", "embedding"):
        continue
    out[key] = {k: v for k, v in entry.items() if k in KEEP or ("cost" in k and isinstance(v, (int, float)))}
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "published_prices.json"), "w") as f:
    # one entry per line, so a regenerated file diffs by model
    f.write("{\n" + ",\n".join(json.dumps(k) + ": " + json.dumps(out[k], sort_keys=True, separators=(",", ":"))
                                 for k in sorted(out, key=lambda k: (k != "last_updated", k))) + "\n}\n")

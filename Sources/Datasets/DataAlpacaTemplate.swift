/// QLoRA's Alpaca prompt (qlora.py `ALPACA_PROMPT_DICT`), with and without an input.
public enum AlpacaTemplate {
    /// The prompt for `instruction`, with the input paragraph only when `input` is not empty (as QLoRA tests it).
    public static func prompt(instruction: String, input: String) -> String {
        if input.isEmpty {
            return "Below is an instruction that describes a task. Write a response that appropriately completes the request.\n\n"
                + "### Instruction:\n\(instruction)\n\n### Response: "
        }
        return "Below is an instruction that describes a task, paired with an input that provides further context. "
            + "Write a response that appropriately completes the request.\n\n"
            + "### Instruction:\n\(instruction)\n\n### Input:\n\(input)\n\n### Response: "
    }
}

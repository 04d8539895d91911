extension ChatTemplate {
    /// Gemma's turns: `<start_of_turn>user\n…<end_of_turn>\n`, the assistant speaking as `model`, and
    /// `<start_of_turn>model\n` as the generation prompt. BOS is not part of the text (the tokenizer adds it).
    ///
    /// Gemma's own template folds a system message into the first user turn; this one, limited to what the
    /// supported template constructs can say, gives a system message a user turn of its own.
    public static let gemma: ChatTemplate = {
        // The literal is known to parse; a failure here is a bug in this file, not bad input.
        try! ChatTemplate(jinja: """
            {% for message in messages %}{% if message['role'] == 'assistant' %}{{ '<start_of_turn>model\\n' + message['content'] + '<end_of_turn>\\n' }}{% else %}{% if message['role'] == 'system' %}{{ '<start_of_turn>user\\n' + message['content'] + '<end_of_turn>\\n' }}{% else %}{{ '<start_of_turn>' + message['role'] + '\\n' + message['content'] + '<end_of_turn>\\n' }}{% endif %}{% endif %}{% endfor %}{% if add_generation_prompt %}{{ '<start_of_turn>model\\n' }}{% endif %}
            """)
    }()
}

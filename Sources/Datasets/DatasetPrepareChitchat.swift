import Foundation

extension DatasetPreparer {
    private struct ChitchatMessage: Decodable {
        let text: String
        let sender: String
    }

    private struct ChitchatConversation: Decodable {
        let messages: [[ChitchatMessage]]
        let start: String?
    }

    /// chitchat-dataset 0.9.0: conversations between two people; the one who speaks first is the human, the
    /// other the assistant; a conversation in which only one person spoke has no answer and is left out.
    func prepareChitchat() throws -> DatasetManifest.Entry {
        var archive = try wheel("chitchat-dataset", "0.9.0")
        let member = "chitchat_dataset/dataset.json"
        let where_ = "\(archive.path)!\(member)"
        let conversations: [String: ChitchatConversation]
        do {
            conversations = try JSONDecoder().decode([String: ChitchatConversation].self, from: Data(try archive.contents(of: member)))
        } catch let error as DataError {
            throw error
        } catch {
            throw DataError.source(path: where_, line: nil, reason: "not the expected JSON: \(error)")
        }
        var lines: [DataJSONLine] = []
        var oneSided = 0, droppedTrailing = 0, emptyMessages = 0
        // JSON objects have no order; the conversations' start times (then ids) give a stable one.
        let ids = conversations.keys.sorted { a, b in
            let (x, y) = (conversations[a]!.start ?? "", conversations[b]!.start ?? "")
            return x != y ? x < y : a < b
        }
        for id in ids {
            var turns: [(sender: String, text: String)] = []
            for group in conversations[id]!.messages {
                for message in group {
                    let text = message.text.trimmingCharacters(in: .whitespacesAndNewlines)
                    if text.isEmpty { emptyMessages += 1; continue }
                    // Consecutive messages of one person are one turn.
                    if turns.last?.sender == message.sender { turns[turns.count - 1].text += "\n" + text }
                    else { turns.append((message.sender, text)) }
                }
            }
            guard turns.count >= 2 else { oneSided += 1; continue }
            if turns.count % 2 == 1 { droppedTrailing += 1 }
            let pairs = stride(from: 0, to: turns.count - 1, by: 2).map { i in
                DataJSONLine.object([("human", .string(turns[i].text)), ("assistant", .string(turns[i + 1].text))])
            }
            lines.append(.object([("conversation_id", .string(id)), ("conversation", .array(pairs))]))
        }
        let file = try write(lines, to: "chitchat/conversations.jsonl", role: "all")
        if let licence = try? archive.contents(of: "chitchat_dataset-0.9.0.dist-info/LICENSE") {
            try writeLicence(licence, to: "chitchat/LICENSE")
        }
        return DatasetManifest.Entry(
            name: "chitchat", format: "conversation", source: "chitchat-dataset 0.9.0 (PyPI), chitchat_dataset/dataset.json",
            licence: "MIT (chitchat_dataset-0.9.0.dist-info/LICENSE, copied to chitchat/LICENSE)",
            description: "English two-person chats (BYU PCC lab) as multi-turn conversations: first speaker human, "
                + "the other assistant; consecutive messages of one speaker joined by newlines",
            files: [file],
            counts: ["conversations in source": conversations.count, "conversations written": lines.count,
                     "skipped: only one speaker": oneSided, "trailing unanswered turn dropped": droppedTrailing,
                     "empty messages dropped": emptyMessages])
    }
}

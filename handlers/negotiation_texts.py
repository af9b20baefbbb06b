"""The negotiation's texts (handlers/negotiation*.py), as (English, 简体中文) pairs."""

TEXTS: dict[str, tuple[str, str]] = {
    # --- negotiation: the desk proposes, the requester accepts, declines or counters
    "button.neg_accept": ("Accept", "接受"),
    "button.neg_decline": ("Decline…", "拒绝…"),
    "button.neg_counter": ("Counter…", "反提议…"),
    "button.neg_accept_counter": ("Accept their date", "接受对方日期"),
    "button.neg_propose": ("Propose…", "提议…"),
    "action.propose": ("propose a new date or solution for", "提出新的方案："),
    "past.propose": ("renegotiated", "重新协商"),
    "action.accept": ("accept the proposal on", "接受方案："),
    "action.accept_counter": ("accept the requester's date on", "接受提单人的日期："),
    "action.decline": ("decline the proposal on", "拒绝方案："),
    "action.counter": ("counter the proposal on", "反提议："),
    "neg.new_target": ("new target {due}", "新的完成时间 {due}"),
    "neg.same_target": ("target unchanged", "完成时间不变"),
    "neg.overdue_since": (" (the target passed: overdue since {when})",
                          "（原定时限已过：自 {when} 起超时）"),
    "neg.proposal": (
        "{by} ({department}) proposes for your request {ref} ({title}): {summary}\n"
        "Accept it, decline it (please say why) or counter with another date: "
        "`/request accept {ref}`, `/request decline {ref} <reason>`, "
        "`/request counter {ref} <date> [note]`. Unanswered, it lapses on {lapses}.",
        "{department}的 {by} 就您的请求 {ref}（{title}）提出方案：{summary}\n"
        "您可以接受、拒绝（请说明原因）或提出另一个日期：`/request 接受 {ref}`、"
        "`/request 拒绝 {ref} <原因>`、`/request 反提议 {ref} <日期> [说明]`。"
        "如未答复，方案将于 {lapses} 失效。"),
    "neg.remind": (
        "Reminder: {department} is waiting for your answer on {ref} ({title}): {summary}\n"
        "`/request accept {ref}`, `/request decline {ref} <reason>` or "
        "`/request counter {ref} <date> [note]`. Unanswered, it lapses on {lapses}.",
        "提醒：{department}正在等待您对 {ref}（{title}）方案的答复：{summary}\n"
        "`/request 接受 {ref}`、`/request 拒绝 {ref} <原因>` 或 "
        "`/request 反提议 {ref} <日期> [说明]`。如未答复，方案将于 {lapses} 失效。"),
    "neg.reply.proposed": (
        "Your proposal on {ref} was sent to {requester}: {summary}. The resolution clock is "
        "paused until they answer (it lapses on {lapses}).",
        "已将 {ref} 的方案发给 {requester}：{summary}。对方答复前，解决时限暂停计时"
        "（{lapses} 未答复则失效）。"),
    "neg.thread.proposed": ("{by} proposed to the requester: {summary}",
                            "{by} 向提单人提出方案：{summary}"),
    "neg.reply.accepted": ("Agreed: {ref} is now due {due}. {department} has been told.",
                           "已达成一致：{ref} 的完成时间改为 {due}，已通知{department}。"),
    "neg.desk.accepted": ("{by} accepted the proposal on {ref} ({title}): resolution now due "
                          "{due}.",
                          "{by} 接受了 {ref}（{title}）的方案：解决时限改为 {due}。"),
    "neg.reply.accepted_counter": ("Agreed: {ref} is now due {due}; {requester} has been told.",
                                   "已达成一致：{ref} 的完成时间改为 {due}，已通知 {requester}。"),
    "neg.note.counter_accepted": ("{by} accepted your date for {ref} ({title}): now due {due}.",
                                  "{by} 接受了您为 {ref}（{title}）提出的日期：完成时间 {due}。"),
    "neg.thread.counter_accepted": ("{by} accepted the requester's date: {ref} is due {due}.",
                                    "{by} 接受了提单人的日期：{ref} 完成时间 {due}。"),
    # the target after a proposal's pause: as it stood, or moved by the time it waited
    "neg.target.kept": ("The target stands: {due}", "原定时限不变：{due}"),
    "neg.target.moved": ("The target moved by the time it waited for your answer, from {was} "
                         "to {due}",
                         "时限按等待您答复的时间顺延，由 {was} 改为 {due}"),
    "neg.target.moved_desk": ("The target moved by the time it waited for the requester's "
                              "answer, from {was} to {due}",
                              "时限按等待提单人答复的时间顺延，由 {was} 改为 {due}"),
    "neg.reply.declined": (
        "You declined the proposal on {ref}. {target}. {department} has been told why.",
        "您已拒绝 {ref} 的方案。{target}。已将原因告知{department}。"),
    "neg.desk.declined": ("{by} declined the proposal on {ref} ({title}): {text}\n{target}.",
                          "{by} 拒绝了 {ref}（{title}）的方案：{text}\n{target}。"),
    "neg.leads.declined": (
        "{ref} ({title}): {by} has now declined {n} proposals from {department}; the latest "
        "because: {text}. {target}.",
        "{ref}（{title}）：{by} 已拒绝{department}的 {n} 次方案，最近一次的原因：{text}。"
        "{target}。"),
    "neg.reply.countered": ("Your counter-proposal on {ref} ({summary}) was sent to "
                            "{department}.",
                            "您对 {ref} 的反提议（{summary}）已发给{department}。"),
    "neg.desk.countered": (
        "{by} countered on {ref} ({title}): {summary}\n"
        "Accept it with `/request accept {ref}` or propose again with "
        "`/request propose {ref} <date> <text>`.",
        "{by} 对 {ref}（{title}）提出反提议：{summary}\n"
        "接受请输入 `/request 接受 {ref}`，或再次提议：`/request 提议 {ref} <日期> <方案>`。"),
    "neg.leads.rounds": (
        "{ref} ({title}): {rounds} rounds without agreement. As a lead you decide now: accept "
        "{by}'s counter ({summary}) with `/request accept {ref}`, or propose a final one with "
        "`/request propose {ref} <date> <text>`. Other members can no longer do either.",
        "{ref}（{title}）：已协商 {rounds} 轮仍未达成一致，现在由负责人决定：接受 {by} 的反提议"
        "（{summary}）请输入 `/request 接受 {ref}`，"
        "或提出最终方案：`/request 提议 {ref} <日期> <方案>`。"
        "其他成员已不能再提议或接受。"),
    "neg.lapsed": ("The proposal on your request {ref} ({title}) lapsed without an answer. "
                   "{target}.",
                   "您的请求 {ref}（{title}）的方案未获答复，已失效。{target}。"),
    "neg.lapsed_desk": ("{ref} ({title}): the requester did not answer the proposal within "
                        "{after}; it lapsed. {target}.",
                        "{ref}（{title}）：提单人 {after}内未答复方案，方案已失效。{target}。"),
    "neg.lapsed_date": ("The proposal on your request {ref} ({title}) lapsed: its date, {when}, "
                        "passed without an answer. {target}.",
                        "您的请求 {ref}（{title}）的方案未获答复，方案中的日期 {when} 已过，"
                        "方案已失效。{target}。"),
    "neg.lapsed_desk_date": ("{ref} ({title}): the proposed date, {when}, passed without an "
                             "answer from the requester; the proposal lapsed. {target}.",
                             "{ref}（{title}）：方案中的日期 {when} 已过，提单人未答复，"
                             "方案已失效。{target}。"),
    "neg.show.pending": ("Proposal (round {round}, waiting for {who}): {summary}",
                         "方案（第 {round} 轮，等待 {who} 答复）：{summary}"),
    "neg.show.agreed": ("Agreed {when} ({who}): resolution due {due}; the original target was "
                        "{original}",
                        "{when} 达成一致（{who}）：解决时限 {due}；原定时限 {original}"),
    "due.paused_proposal": ("{when} if answered now (paused while a proposal waits)",
                            "{when}（方案待答复，暂停计时；此为现在答复时的时限）"),
    "event.proposed": ("proposed", "提出方案"),
    "event.agreed": ("agreed", "达成一致"),
    "event.proposal_declined": ("declined the proposal", "拒绝方案"),
    "event.countered": ("countered", "反提议"),
    "event.proposal_lapsed": ("let the proposal lapse (no answer)", "方案未答复，已失效"),
    "hint.neg_propose": (" Propose one with `/request propose {ref} <date> <text>`.",
                         "可输入 `/request 提议 {ref} <日期> <方案>` 提出方案。"),
    "err.need_propose": (
        "What do you propose? Type `/request propose {ref} <date or 3d> <solution>`, e.g. "
        "`/request propose {ref} {ex_date} <solution>`.",
        "请写明方案：`/request 提议 {ref} <日期或 3d> <方案>`，例如 "
        "`/request 提议 {ref} {ex_date} <方案>`。"),
    "err.need_decline": (
        "Please say why you decline, so the desk can find something that works: "
        "`/request decline {ref} <reason>`.",
        "请说明拒绝的原因，方便对方找到可行的办法：`/request 拒绝 {ref} <原因>`。"),
    "err.need_counter": (
        "Which date would work for you? `/request counter {ref} <date> [note]`, e.g. "
        "`/request counter {ref} {ex_date}`.",
        "您希望哪天完成？`/request 反提议 {ref} <日期> [说明]`，例如 "
        "`/request 反提议 {ref} {ex_date}`。"),
    "err.neg_bad_when": (
        "I could not read “{given}” as a date. Write a date such as {ex_date} or "
        "{ex_month_day} (a time may follow: {ex_date} 15:00), or business time from now "
        "such as 3d or 4h: `/request {command} {ref} {ex_date} …`. Nothing was changed.",
        "无法把“{given}”识别为日期。请写日期，如 {ex_date} 或 {ex_month_day}"
        "（可加时间：{ex_month_day}15点），或从现在起的工作时间，如 3d、4h："
        "`/request {command} {ref} {ex_date} …`。未做任何更改。"),
    "err.neg_slashed": (
        "“{given}” could be day/month or month/day. Write the year first, such as {ex_date}, "
        "or {ex_month_day}: `/request {command} {ref} {ex_date} …`. Nothing was changed.",
        "“{given}”既可理解为日/月，也可理解为月/日。请按年-月-日写，如 {ex_date}，"
        "或写 {ex_month_day}：`/request {command} {ref} {ex_date} …`。未做任何更改。"),
    "err.neg_bad_time": (
        "I could not read “{given}” as a time of day. Write it as 15:00 or 3pm after the "
        "date, or give a day only: `/request {command} {ref} {ex_date} 15:00 …` or "
        "`/request {command} {ref} {ex_date} …`. Nothing was changed.",
        "无法把“{given}”识别为时间。请在日期后写 15:00、15点或下午3点，或只写日期："
        "`/request {command} {ref} {ex_date} 15:00 …` 或 `/request {command} {ref} "
        "{ex_date} …`。未做任何更改。"),
    "err.neg_off_hours": (
        "{when} is outside {department}'s working hours ({hours}, on working days). Give a "
        "time within them, or a day only (by its close): `/request {command} {ref} "
        "{ex_date} …`. Nothing was changed.",
        "{when} 不在{department}的工作时间内（工作日 {hours}）。请给出工作时间内的时间，"
        "或只写日期（当天下班前）：`/request {command} {ref} {ex_date} …`。未做任何更改。"),
    "err.neg_far": (
        "“{given}” (by {when}) is more than a year away; please check the date: "
        "`/request {command} {ref} {ex_date} …`. Nothing was changed.",
        "“{given}”（即 {when}）在一年以后，请核对日期：`/request {command} {ref} {ex_date} …`。"
        "未做任何更改。"),
    "err.neg_past": ("“{given}” (by {when}) has already passed; please give a later date: "
                     "`/request {command} {ref} <date> …`.",
                     "“{given}”（即 {when}）已经过去，请给出更晚的日期："
                     "`/request {command} {ref} <日期> …`。"),
    "err.neg_none": ("No proposal on {ref} is waiting for an answer.{hint}",
                     "{ref} 没有待答复的方案。{hint}"),
    "err.neg_desk_turn": ("Your counter-proposal on {ref} is with {department}: they accept it "
                          "or propose again. Nothing was changed.",
                          "您对 {ref} 的反提议正由{department}处理：对方会接受或再次提议。"
                          "未做任何更改。"),
    "err.neg_counter_answer": (
        "The requester countered on {ref}: accept their date with `/request accept {ref}`, or "
        "propose again with `/request propose {ref} <date> <text>`. Nothing was changed.",
        "提单人对 {ref} 提出了反提议：接受请输入 `/request 接受 {ref}`，或再次提议："
        "`/request 提议 {ref} <日期> <方案>`。未做任何更改。"),
    "err.neg_lead_decides": (
        "{ref} has had {rounds} rounds without agreement: now only a lead of {department} "
        "({leads}) may propose or accept. Nothing was changed.",
        "{ref} 已协商 {rounds} 轮仍未达成一致："
        "现在只有{department}负责人（{leads}）可以提议或接受。"
        "未做任何更改。"),
    "err.neg_expired": ("The proposed date for {ref}, {when}, has already passed; counter with a "
                        "new one: `/request counter {ref} <date>`. Nothing was changed.",
                        "{ref} 方案中的日期 {when} 已经过去，请提出新的日期："
                        "`/request 反提议 {ref} <日期>`。未做任何更改。"),
    "err.neg_expired_counter": ("The requester's date for {ref}, {when}, has already passed; "
                                "propose a new one: `/request propose {ref} <date> <text>`. "
                                "Nothing was changed.",
                                "提单人为 {ref} 提出的日期 {when} 已经过去，请提出新的日期："
                                "`/request 提议 {ref} <日期> <方案>`。未做任何更改。"),
    "slack.input.date": ("Date (YYYY-MM-DD) or business time (3d)",
                         "日期（年-月-日）或工作时间（3d）"),
    "slack.input.why": ("Why decline? (the desk is told)", "拒绝原因（会告知对方）"),
    "digest.negotiated": (
        "Renegotiated: {n} requests · agreed dates met {met} of {total} · resolution "
        "on time {original} against the original targets, {agreed} against the agreed ones",
        "重新协商：{n} 个请求 · 约定日期达成 {met}/{total} · 解决按时率：按原定时限 {original}，"
        "按约定时限 {agreed}"),
    "digest.negotiated.one": (
        "Renegotiated: 1 request · agreed dates met {met} of {total} · resolution "
        "on time {original} against the original targets, {agreed} against the agreed ones",
        "重新协商：1 个请求 · 约定日期达成 {met}/{total} · 解决按时率：按原定时限 {original}，"
        "按约定时限 {agreed}"),
    "scorecard.negotiated": (" · renegotiated {n}, resolution {original} vs original targets",
                             " · 重新协商 {n} 个，按原定时限解决率 {original}"),
}

"""Slack-only interface words (modal titles, field labels, App Home), in English and Chinese."""

from __future__ import annotations

from handlers.i18n import normalize_locale

TEXTS: dict[str, tuple[str, str]] = {
    "modal.new.title": ("New request", "新请求"),
    "modal.submit": ("Submit", "提交"),
    "modal.cancel": ("Cancel", "取消"),
    "modal.close": ("Close", "关闭"),
    "modal.reply.title": ("crossdesk", "crossdesk"),
    "modal.action.title": ("{ref}", "{ref}"),
    "form.department": ("Department", "部门"),
    "form.department.placeholder": ("Choose a department", "选择部门"),
    "form.category": ("Service", "服务"),
    "form.category.placeholder": ("Choose a service", "选择服务"),
    "form.details": ("What do you need?", "需要办理什么？"),
    "form.details.hint": ("The first line becomes the title.", "第一行将作为标题。"),
    "form.priority": ("Priority", "优先级"),
    "form.priority.placeholder": ("The service's default", "按服务默认"),
    "form.attachment": ("Attachment note", "附件说明"),
    "form.attachment.hint": ("A link, or where to find the file.", "链接，或文件存放位置。"),
    "form.attachment.prefix": ("Attachment", "附件"),
    "err.no_department": ("Choose a department.", "请选择部门。"),
    "err.no_category": ("Choose one of {department}'s services.", "请选择{department}的一项服务。"),
    "err.wrong_category": (
        "{department} does not offer this service; choose one of its own.",
        "{department}不提供这项服务，请从该部门的服务中选择。",
    ),
    "err.no_details": ("Please say what you need.", "请填写需要办理的事项。"),
    "err.required": ("Please fill this in.", "请填写此项。"),
    "still_working": (
        "Still working on it (the desk is slow right now); the answer follows here shortly.",
        "正在处理（服务台当前较慢），结果稍后在此显示。",
    ),
    "input.note": ("Resolution note", "解决说明"),
    "input.reason": ("Why reopen it?", "重开原因"),
    "input.question": ("Your question for the requester", "向提单人提的问题"),
    "input.text": ("Text", "内容"),
    "input.comment": ("Comment (optional)", "评语（可选）"),
    "input.stars": ("Stars", "星级"),
    "input.person": ("Person id", "人员ID"),
    "button.new": ("New request", "新建请求"),
    "status.line": ("*State:* {state} · *Owner:* {owner}", "*状态：*{state} · *处理人：*{owner}"),
    "thread.link": ("<{url}|Open the request thread>", "<{url}|查看处理线程>"),
    "home.title": ("crossdesk — your service desk", "crossdesk 服务台"),
    "home.mine": ("*Your requests*", "*我提交的请求*"),
    "home.mine.empty": (
        "Nothing open. Press *New request* or type `/request` to ask a department for something.",
        "暂无进行中的请求。点击“新建请求”或输入 `/request` 向部门提单。",
    ),
    "home.queue": ("*{department}* — open requests, overdue first",
                   "*{department}* —— 待处理请求（超时的在前）"),
    "home.queue.empty": ("No open requests. Nice work!", "没有待处理的请求，干得好！"),
    "home.more": ("Showing {shown} of {total}. Type `{command}` for the rest.",
                  "显示 {shown}/{total} 条，输入 `{command}` 查看其余。"),
    "home.overdue": ("overdue", "已超时"),
    "home.due": ("due {when}", "时限 {when}"),
}


def say(locale: str, key: str, **params: object) -> str:
    """The Slack interface text for ``key`` in ``locale``."""
    en, zh = TEXTS[key]
    template = zh if normalize_locale(locale, "en") == "zh-CN" else en
    return template.format(**params) if params else template

"""The plans' attachment sets, declared as data on the project's spreadsheet writer
(``core.xlsx``): ``district`` (区县方案 附件1–6) and ``baseline`` (衡山县 附件1–5), rendered or
written one attachment at a time (``attachments``)."""

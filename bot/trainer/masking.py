"""Masks personal data in buyer messages (phones, addresses, names, order and tracking numbers) before they are stored or shown.

Decisions:

* Order numbers (16-19 digits) and tracking numbers become ``[订单号]``: a trainer needs to know
  that an order or parcel was named, never which one. Tracking numbers are recognised by a
  courier prefix (SF/YT/JD/ZTO... + 10-15 digits) or by a cue (运单号, 快递单号, 物流单号,
  单号) followed by 10-20 letters and digits.
* Phones become ``[电话]``: an 11-digit mobile starting 1[3-9] (spaces or dashes allowed as
  138 1234 5678) not inside a longer number, and a landline written with its area code and a
  separator (010-12345678, (0571)8765432, 0571 87654321).
* Addresses become ``[地址]`` when they are clearly addresses: a province or big-city name
  followed by more parts (省/市/区/县/镇/路/街/号...), a chain of two or more parts ending in
  市/区/县, a road/street/compound followed by a number (文三路100号, 幸福小区3栋), or anything
  with place-like parts after a cue (地址, 收货地址, 寄到, 送到, 住在).
* Names become ``[姓名]`` only after a cue (收件人, 收货人, 姓名, 名字, 联系人, 我叫, 我是) and only
  when they start with a common surname, so "姓名填错了" and "我是学生" are left alone.
* Sizes, prices, heights, weights and dates are never touched: none of the patterns fire on a
  bare number shorter than 11 digits, nor on 38号 / 5月20号 (a 号 counts only after a road).
"""

from __future__ import annotations

import re
from typing import List

PHONE = "[电话]"
ADDRESS = "[地址]"
NAME = "[姓名]"
ORDER = "[订单号]"

_CJK = "\u4e00-\u9fff"
# Characters that never sit inside a place name; they stop "这个区别" or "哪个市场" reading as places.
_NOT_PLACE = "哪这那个么里的了吗呢吧啊和在我你他她是有没不要能可会想问就还也都很太多少几件码号"
_PLACE_CHAR = f"(?:(?![{_NOT_PLACE}])[{_CJK}])"

_PROVINCES = (
    "北京|天津|上海|重庆|河北|山西|辽宁|吉林|黑龙江|江苏|浙江|安徽|福建|江西|山东|河南|湖北|湖南|广东|"
    "海南|四川|贵州|云南|陕西|甘肃|青海|台湾|内蒙古|广西|西藏|宁夏|新疆|香港|澳门|"
    "广州|深圳|杭州|南京|苏州|武汉|成都|西安|长沙|郑州|沈阳|青岛|宁波|厦门|大连|济南|哈尔滨|昆明|合肥|福州"
)
_UNIT = (
    "特别行政区|自治区|自治州|自治县|省|市|区|县|旗|盟|州|镇|乡|街道|大街|大道|路|街|巷|弄|胡同|村|"
    "社区|小区|花园|公寓|大厦|广场|新村|苑|园|城"
)
_PART = f"(?:{_PLACE_CHAR}{{1,7}}?(?:{_UNIT}))"
_ADMIN_PART = f"(?:{_PLACE_CHAR}{{1,6}}?(?:自治区|自治州|省|市|区|县|旗|盟|州|镇|乡|街道))"
_ROAD_PART = f"(?:{_PLACE_CHAR}{{1,7}}?(?:大街|大道|路|街|巷|弄|胡同|村|社区|小区|花园|公寓|大厦|广场|新村|苑|园))"
_NUM = "(?:[0-9０-９]+|[一二三四五六七八九十百零]+)"
_NUMBER_PART = (
    f"(?:[A-Za-z]?{_NUM}(?:[-－]{_NUM})*(?:号楼|号院|号|栋|幢|座|单元|室|楼|层|弄|排)"
    f"(?:[A-Za-z]?{_NUM}(?:[-－]{_NUM})*(?:号楼|号|栋|幢|座|单元|室|楼|层))*)"
)
_TAIL = f"(?:{_PART}|{_NUMBER_PART})*"

_ADDRESS_PATTERNS = [
    # A province or big city, then more parts: 浙江省杭州市西湖区..., 杭州西湖区文三路100号.
    re.compile(f"(?:{_PROVINCES})(?:特别行政区|自治区|省|市)?(?:{_PART}|{_NUMBER_PART})+{_TAIL}"),
    # Two administrative parts: 余杭区良渚镇, 萧山市城厢街道.
    re.compile(f"{_ADMIN_PART}{{2,}}{_TAIL}"),
    # A road, street or compound with a number: 文三路100号, 幸福小区3栋2单元301室.
    re.compile(f"{_PART}*{_ROAD_PART}{_NUMBER_PART}{_TAIL}"),
]
_ADDRESS_CUE = re.compile(
    r"(?:收货地址|收件地址|送货地址|地址|寄到|送到|发到|住在|住址)"
    r"(?:改成|改为|换成|改到|是|为|在)?[:：\s]*"
)

_SURNAMES = (
    "欧阳|司马|上官|诸葛|东方|皇甫|慕容|令狐|"
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁"
    "任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武"
    "戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮"
    "柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古"
    "吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫"
    "寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝"
)
_COMPOUND, _SINGLE = _SURNAMES.rsplit("|", 1)
_SURNAME = f"(?:{_COMPOUND}|[{_SINGLE}])"
# A given name is one or two characters, and stops before the next field (电话, 手机, 地址...).
_GIVEN_CHAR = f"(?:(?!电话|手机|地址|号码|的|收|联系|先生|女士|小姐)[{_CJK}])"
_NAME_PATTERN = re.compile(
    r"(?P<cue>收件人|收货人|联系人|姓名|名字|我叫|我是|本人)"
    r"(?P<glue>(?:改成|改为|换成|是|为|叫|写)?[:：\s]*)"
    f"(?P<name>{_SURNAME}{_GIVEN_CHAR}{{1,2}})"
)

_ORDER_PATTERN = re.compile(r"(?<![0-9])[0-9]{16,19}(?![0-9])")
_TRACKING_PATTERNS = [
    re.compile(r"(?<![A-Za-z0-9])(?:SF|YT|JDV?|ZTO|YD|STO|EMS|JT|DPK)[0-9]{10,15}(?![0-9])", re.IGNORECASE),
    re.compile(
        r"(?P<cue>(?:运单|快递单|物流单|快递|物流|订单)?单号|运单)(?P<glue>(?:是|为)?[:：\s]*)"
        r"(?P<number>[A-Za-z]{0,4}[0-9]{10,20})(?![0-9])"
    ),
]
_MOBILE_PATTERN = re.compile(r"(?<![0-9])(?:\+?86[-\s]?)?1[3-9][0-9](?:[-\s]?[0-9]{4}){2}(?![0-9])")
_LANDLINE_PATTERN = re.compile(
    r"(?<![0-9])(?:[(（]0[0-9]{2,3}[)）][-\s]?|0[0-9]{2,3}[-－\s])[1-9][0-9]{6,7}(?:[-转][0-9]{1,5})?(?![0-9])"
)


def _mask_addresses(text: str) -> str:
    for pattern in _ADDRESS_PATTERNS:
        text = pattern.sub(ADDRESS, text)
    out: List[str] = []
    position = 0
    for cue in _ADDRESS_CUE.finditer(text):
        if cue.start() < position:
            continue
        # After a cue, the address runs to the end of the clause; mask it only if it has place parts.
        body = re.match(r"[^，,。;；!！?？\n]*", text[cue.end():]).group(0)
        place = re.match(f"(?:{_PART}|{_NUMBER_PART}|\\[地址\\])+", body)
        if place and (len(place.group(0)) >= 3 or place.group(0) == ADDRESS):
            out.append(text[position:cue.end()] + ADDRESS)
            position = cue.end() + place.end()
    out.append(text[position:])
    return "".join(out)


def mask(text: str) -> str:
    """Replaces personal data in a message by [电话], [地址], [姓名] and [订单号].

    Args:
        text: a buyer message as written.

    Returns:
        The message with phones, addresses, names after cues, and order and tracking numbers
        replaced; everything else (sizes, prices, heights, dates) unchanged.
    """
    if not text:
        return text
    # Longest numbers first, so a 18-digit order is never read as a phone plus digits.
    text = _ORDER_PATTERN.sub(ORDER, text)
    text = _TRACKING_PATTERNS[0].sub(ORDER, text)
    text = _TRACKING_PATTERNS[1].sub(lambda m: m.group("cue") + m.group("glue") + ORDER, text)
    text = _MOBILE_PATTERN.sub(PHONE, text)
    text = _LANDLINE_PATTERN.sub(PHONE, text)
    text = _NAME_PATTERN.sub(lambda m: m.group("cue") + m.group("glue") + NAME, text)
    text = _mask_addresses(text)
    return text


"""A built-in haystack (plain sentences about a harbour town, English and 简体中文) and a default needle,
question and answer for the needle-in-a-haystack test; `needle.build_case` repeats the haystack to any length."""
from __future__ import annotations

HAYSTACK = {
    "en": (
        "The harbour town wakes early. Fishing boats leave before the sun is up, and the gulls follow them out "
        "past the lighthouse. By seven the bakery on the square has its first loaves in the window.\n\n"
        "The market opens at eight. Farmers bring apples, cheese and honey from the hills, and the fishmongers "
        "lay the night's catch on ice. Children run between the stalls while their parents talk about the "
        "weather.\n\n"
        "At noon the church bell rings twelve times. The school lets the younger pupils out to eat in the "
        "courtyard, where an old chestnut tree gives them shade. The ferry from the island arrives with "
        "visitors who walk slowly along the quay.\n\n"
        "In the afternoon the wind turns. Sailors check their ropes, and the harbour master writes the tide "
        "times on a board beside his office. The library stays open until five, and the reading room is "
        "always quiet.\n\n"
        "When the boats come home, the whole town seems to gather at the water. Lamps are lit along the "
        "promenade. The last bus leaves for the city at ten, and after that only the sound of the sea remains."
    ),
    "zh": (
        "港口小镇醒得很早。渔船在太阳升起之前出海，海鸥跟着它们飞过灯塔。七点钟，广场上的面包店已经把第一批面包摆进了橱窗。\n\n"
        "集市八点开门。农民从山里带来苹果、奶酪和蜂蜜，鱼贩把夜里的渔获摆在冰上。孩子们在摊位之间奔跑，大人们在聊天气。\n\n"
        "中午，教堂的钟敲了十二下。学校让低年级的学生到院子里吃饭，那里有一棵老栗子树替他们遮阴。从岛上来的渡轮载着游客，"
        "他们沿着码头慢慢地走。\n\n"
        "下午风向变了。水手们检查缆绳，港务长把潮汐时间写在办公室旁边的木板上。图书馆开到五点，阅览室里总是很安静。\n\n"
        "渔船回港的时候，全镇的人好像都聚到了水边。海滨步道上的灯亮了。最后一班去城里的公交车十点发车，之后只剩下海浪的声音。"
    ),
}
NEEDLE = {
    "en": ("The secret code of the blue door is 7421.", "What is the secret code of the blue door? The code is",
           "7421"),
    "zh": ("蓝色大门的密码是七四二一。", "蓝色大门的密码是什么？密码是", "七四二一"),
}


def default_test(lang: str = "en") -> tuple[str, str, str, str]:
    """(haystack, needle, question, expected answer) in English ("en") or Chinese ("zh")."""
    needle, question, answer = NEEDLE[lang]
    return HAYSTACK[lang], needle, question, answer

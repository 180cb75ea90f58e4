"""Short general answers for questions whose full answers come with later work
(complaints recorded as tickets, offices from the data, payment posting by channel).

They answer honestly with the rule that applies and where to get the rest, so no
question is left without a reply.
"""

from __future__ import annotations

from bot.wording.common import hotlines


def complaint() -> str:
    return (
        "Dạ, em rất xin lỗi vì anh/chị chưa hài lòng. Để khiếu nại được ghi nhận và trả lời đúng "
        f"hạn, anh/chị gọi Tổng đài {hotlines()}, phục vụ 24/7: tư vấn viên sẽ tiếp nhận, cho anh/chị "
        "số phiếu và thời hạn trả lời ạ. Anh/chị cũng có thể nhắn em nội dung cụ thể, em hỗ trợ ngay "
        "những gì em tra cứu được nha."
    )


def frustration() -> str:
    return (
        "Dạ, em thành thật xin lỗi vì đã làm anh/chị mất thời gian. Em muốn giúp anh/chị cho xong việc: "
        "anh/chị nói ngắn gọn việc cần, hoặc gọi Tổng đài "
        f"{hotlines()} để gặp tư vấn viên ngay nha."
    )


def payment_posting() -> str:
    return (
        "Dạ, tiền điện thanh toán qua ví điện tử hoặc ngân hàng liên kết với Điện lực thường được ghi "
        "nhận trong vài giờ; chuyển khoản thông thường có thể mất đến 1 ngày làm việc; thanh toán tại "
        "quầy hoặc điểm thu được ghi nhận ngay. Quá thời gian đó mà vẫn báo nợ, anh/chị giữ biên lai "
        f"và gọi Tổng đài {hotlines()} để được kiểm tra nha."
    )


def late_payment() -> str:
    return (
        "Dạ, anh/chị nên thanh toán trong 5 ngày kể từ khi nhận thông báo tiền điện lần đầu. Sau hai "
        "lần thông báo mà vẫn chưa thanh toán, Điện lực có thể tạm ngừng cấp điện, có báo trước ít "
        "nhất 24 giờ; sau khi thanh toán, điện được đóng lại trong vòng 24 giờ. Anh/chị có thể thanh "
        "toán gộp nhiều kỳ một lần ạ."
    )


def office() -> str:
    return (
        "Dạ, anh/chị đến phòng giao dịch của Điện lực quận/huyện nơi mình ở, thường mở cửa thứ Hai "
        "đến thứ Sáu 07:00–11:30 và 13:00–17:00, sáng thứ Bảy. Địa chỉ phòng giao dịch gần nhất "
        f"anh/chị hỏi Tổng đài {hotlines()} giúp em nha."
    )


def estimated_reading() -> str:
    return (
        "Dạ, chỉ số ước tính được dùng khi kỳ đó không ghi được chỉ số thực tế, ví dụ công tơ khó "
        "tiếp cận hoặc nhà đi vắng. Phần chênh lệch được điều chỉnh ở kỳ ghi chỉ số thực tế tiếp "
        'theo, anh/chị không bị tính thêm ạ. Anh/chị muốn kiểm tra lại thì nhắn "phúc tra" nha.'
    )

//! Word pools for generated records. Place names are the 34 provinces and cities of the 2025
//! reform (Resolution 202/2025/QH15); everything else (people, shops, streets, communes) is
//! illustrative. The two-digit tax-code prefixes are illustrative too: only the check digit
//! follows the real rule (`qltt_domain::business::tax_code`).

/// (unit code, name as in "tỉnh X" / "thành phố X", is a city, tax prefix, weight: its share of
/// businesses and cases, and of teams).
pub const PROVINCES: &[(&str, &str, bool, &str, u64)] = &[
    ("HN", "Hà Nội", true, "01", 90),
    ("HCM", "Hồ Chí Minh", true, "03", 110),
    ("HP", "Hải Phòng", true, "02", 35),
    ("DNG", "Đà Nẵng", true, "04", 25),
    ("HUE", "Huế", true, "33", 12),
    ("CT", "Cần Thơ", true, "18", 22),
    ("QN", "Quảng Ninh", false, "57", 18),
    ("BN", "Bắc Ninh", false, "23", 24),
    ("LCU", "Lai Châu", false, "62", 4),
    ("DBN", "Điện Biên", false, "56", 5),
    ("SLA", "Sơn La", false, "55", 8),
    ("LSN", "Lạng Sơn", false, "49", 9),
    ("THA", "Thanh Hóa", false, "28", 22),
    ("NAN", "Nghệ An", false, "29", 22),
    ("HTH", "Hà Tĩnh", false, "30", 9),
    ("CBG", "Cao Bằng", false, "48", 5),
    ("TQG", "Tuyên Quang", false, "50", 9),
    ("LCI", "Lào Cai", false, "53", 10),
    ("TNN", "Thái Nguyên", false, "46", 14),
    ("PTO", "Phú Thọ", false, "26", 20),
    ("HYN", "Hưng Yên", false, "09", 18),
    ("NBH", "Ninh Bình", false, "27", 18),
    ("QTI", "Quảng Trị", false, "32", 10),
    ("QNI", "Quảng Ngãi", false, "43", 12),
    ("GLI", "Gia Lai", false, "59", 16),
    ("KHA", "Khánh Hòa", false, "42", 14),
    ("LDG", "Lâm Đồng", false, "58", 18),
    ("DLK", "Đắk Lắk", false, "60", 16),
    ("DNI", "Đồng Nai", false, "36", 28),
    ("TNH", "Tây Ninh", false, "38", 20),
    ("VLG", "Vĩnh Long", false, "15", 18),
    ("DTP", "Đồng Tháp", false, "14", 18),
    ("CMU", "Cà Mau", false, "19", 12),
    ("AGG", "An Giang", false, "16", 20),
];

pub const FAMILY: &[(&str, u64)] = &[
    ("Nguyễn", 380),
    ("Trần", 110),
    ("Lê", 95),
    ("Phạm", 70),
    ("Hoàng", 50),
    ("Huỳnh", 30),
    ("Phan", 45),
    ("Vũ", 39),
    ("Võ", 30),
    ("Đặng", 21),
    ("Bùi", 20),
    ("Đỗ", 14),
    ("Hồ", 13),
    ("Ngô", 13),
    ("Dương", 10),
    ("Lý", 5),
    ("Trịnh", 5),
    ("Đinh", 5),
    ("Cao", 4),
    ("Lương", 4),
];

pub const MIDDLE_MALE: &[&str] = &[
    "Văn", "Đức", "Minh", "Quang", "Hữu", "Thanh", "Công", "Quốc", "Anh", "Xuân",
];
pub const MIDDLE_FEMALE: &[&str] = &[
    "Thị", "Thị", "Ngọc", "Thu", "Thanh", "Kim", "Hồng", "Minh", "Phương", "Mỹ",
];
pub const GIVEN_MALE: &[&str] = &[
    "An", "Bình", "Cường", "Dũng", "Đạt", "Hải", "Hiếu", "Hoàng", "Hùng", "Huy", "Khánh", "Khoa",
    "Long", "Minh", "Nam", "Phong", "Phúc", "Quân", "Sơn", "Tài", "Thắng", "Thành", "Trung",
    "Tuấn", "Việt", "Vinh",
];
pub const GIVEN_FEMALE: &[&str] = &[
    "Anh", "Châu", "Dung", "Giang", "Hà", "Hạnh", "Hằng", "Hoa", "Hương", "Lan", "Linh", "Loan",
    "Mai", "Nga", "Ngân", "Ngọc", "Nhung", "Oanh", "Phương", "Quỳnh", "Thảo", "Thủy", "Trang",
    "Vân", "Yến",
];

pub const STREETS: &[&str] = &[
    "Lê Lợi",
    "Trần Hưng Đạo",
    "Nguyễn Huệ",
    "Hai Bà Trưng",
    "Lý Thường Kiệt",
    "Quang Trung",
    "Điện Biên Phủ",
    "Hùng Vương",
    "Nguyễn Trãi",
    "Lê Duẩn",
    "Phan Chu Trinh",
    "Bạch Đằng",
    "Trần Phú",
    "Nguyễn Văn Cừ",
    "Lê Hồng Phong",
    "Võ Thị Sáu",
    "Nguyễn Du",
    "Chợ Mới",
    "Hoàng Diệu",
    "Nguyễn Thị Minh Khai",
    "Tôn Đức Thắng",
    "Phạm Văn Đồng",
    "Cách Mạng Tháng Tám",
];

/// Illustrative commune names (after the 2025 reform a province's second level is communes and
/// wards only).
pub const COMMUNES: &[&str] = &[
    "Phường Hòa Bình",
    "Phường Tân Tiến",
    "Phường Thống Nhất",
    "Phường Quang Trung",
    "Phường Bến Thành",
    "Phường Đông Hải",
    "Phường Trung Tâm",
    "Phường Tân Phú",
    "Xã Yên Bình",
    "Xã Phú Lộc",
    "Xã Tân Hiệp",
    "Xã An Phước",
    "Xã Hòa Lạc",
    "Xã Đông Sơn",
    "Xã Vĩnh Thạnh",
    "Xã Thạch Bàn",
];

/// (business line, goods as shop-sign words, category of seized goods, unit of measure)
pub const LINES: &[(&str, &str, &str, &str)] = &[
    ("Bán lẻ mỹ phẩm", "Mỹ phẩm", "Mỹ phẩm", "hộp"),
    ("Bán lẻ thực phẩm, đồ uống", "Thực phẩm", "Thực phẩm", "kg"),
    ("Bán buôn đồ uống có cồn", "Rượu bia", "Rượu", "chai"),
    (
        "Bán lẻ thuốc lá, thuốc lào",
        "Thuốc lá",
        "Thuốc lá điếu",
        "bao",
    ),
    (
        "Bán lẻ điện thoại và linh kiện",
        "Điện thoại",
        "Linh kiện điện tử",
        "chiếc",
    ),
    (
        "Bán lẻ quần áo, giày dép",
        "Thời trang",
        "Quần áo giày dép",
        "đôi",
    ),
    (
        "Bán lẻ phân bón, thuốc bảo vệ thực vật",
        "Vật tư nông nghiệp",
        "Phân bón",
        "bao",
    ),
    (
        "Bán lẻ thực phẩm chức năng",
        "Thực phẩm chức năng",
        "Thực phẩm chức năng",
        "hộp",
    ),
    (
        "Bán lẻ đồ chơi trẻ em",
        "Đồ chơi",
        "Đồ chơi trẻ em",
        "chiếc",
    ),
    (
        "Bán lẻ đồ điện gia dụng",
        "Điện máy",
        "Đồ điện gia dụng",
        "chiếc",
    ),
    (
        "Bán lẻ vật liệu xây dựng",
        "Vật liệu xây dựng",
        "Vật liệu xây dựng",
        "tấn",
    ),
    ("Bán lẻ xăng dầu", "Xăng dầu", "Xăng dầu", "lít"),
    (
        "Bán lẻ khí dầu mỏ hóa lỏng (gas)",
        "Gas",
        "Bình gas",
        "bình",
    ),
    (
        "Bán lẻ dược phẩm, dụng cụ y tế",
        "Nhà thuốc",
        "Dược phẩm",
        "hộp",
    ),
];

/// Marks counterfeited on seized goods (as found on the labels).
pub const BRANDS: &[&str] = &[
    "Gucci",
    "Chanel",
    "Nike",
    "Adidas",
    "Samsung",
    "Apple",
    "Dior",
    "Louis Vuitton",
];

pub const SHOP_WORDS: &[&str] = &[
    "Phú Quý",
    "Thành Đạt",
    "Hưng Thịnh",
    "An Khang",
    "Minh Phát",
    "Kim Ngân",
    "Hoàng Long",
    "Việt Tiến",
    "Đại Phát",
    "Tân Thành",
    "Sao Mai",
    "Phương Đông",
    "Thiên Ân",
    "Hải Đăng",
];

//! When a signed document must go out, and when an arrival must be confirmed to its sender.
//! Pure rules; the calendar of working days is the one the case deadlines use.
//!
//! Sources, Decree 30/2020/NĐ-CP (text checked against a published copy of the decree, found
//! with the search tool):
//! - Art. 18(1): "Văn bản đi phải hoàn thành thủ tục tại Văn thư cơ quan và phát hành trong
//!   ngày văn bản đó được ký, chậm nhất là trong ngày làm việc tiếp theo. Văn bản khẩn phải được
//!   phát hành và gửi ngay sau khi ký văn bản." → [`send_by`].
//! - Art. 21(2)(c): "Cơ quan, tổ chức nhận văn bản có trách nhiệm thông báo ngay trong ngày cho
//!   cơ quan, tổ chức gửi về việc đã nhận văn bản bằng chức năng của Hệ thống." →
//!   [`confirm_receipt_by`].

use chrono::NaiveDate;

use super::Urgency;
use crate::law::calendar::WorkCalendar;

/// The last day on which a document signed on `signed_on` may be sent: the day of signature
/// for an urgent one (khẩn, thượng khẩn, hỏa tốc: "ngay sau khi ký"), otherwise the next
/// working day after it.
pub fn send_by(cal: &WorkCalendar, signed_on: NaiveDate, urgency: Urgency) -> NaiveDate {
    if urgency != Urgency::Normal {
        return signed_on;
    }
    match signed_on.succ_opt() {
        Some(next) => cal.next_working_day(next),
        None => signed_on,
    }
}

/// A signed document still unsent after its day is late.
pub fn send_is_late(
    cal: &WorkCalendar,
    signed_on: NaiveDate,
    urgency: Urgency,
    today: NaiveDate,
) -> bool {
    today > send_by(cal, signed_on, urgency)
}

/// The receiving unit confirms an arrival on the day it arrives ("ngay trong ngày").
pub fn confirm_receipt_by(arrived_on: NaiveDate) -> NaiveDate {
    arrived_on
}

/// An arrival still unconfirmed after its day is late.
pub fn receipt_is_late(arrived_on: NaiveDate, today: NaiveDate) -> bool {
    today > confirm_receipt_by(arrived_on)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::law::calendar::DayKind;
    use proptest::prelude::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn a_document_signed_on_a_working_day_goes_out_that_day_or_the_next_working_day() {
        let cal = WorkCalendar::default();
        // Thursday 05/03/2026 → Friday 06/03.
        assert_eq!(
            send_by(&cal, day("2026-03-05"), Urgency::Normal),
            day("2026-03-06")
        );
        // Friday → Monday: the weekend is not a working day.
        assert_eq!(
            send_by(&cal, day("2026-03-06"), Urgency::Normal),
            day("2026-03-09")
        );
        assert!(!send_is_late(
            &cal,
            day("2026-03-06"),
            Urgency::Normal,
            day("2026-03-09")
        ));
        assert!(send_is_late(
            &cal,
            day("2026-03-06"),
            Urgency::Normal,
            day("2026-03-10")
        ));
    }

    #[test]
    fn a_holiday_after_the_signature_moves_the_last_day_on() {
        let cal = WorkCalendar::new([
            (day("2026-04-30"), DayKind::Holiday),
            (day("2026-05-01"), DayKind::Holiday),
        ]);
        // Signed Wednesday 29/04: 30/04 and 01/05 are holidays, then the weekend → Monday 04/05.
        assert_eq!(
            send_by(&cal, day("2026-04-29"), Urgency::Normal),
            day("2026-05-04")
        );
    }

    #[test]
    fn an_urgent_document_goes_out_on_the_day_it_is_signed() {
        let cal = WorkCalendar::default();
        for u in [Urgency::Urgent, Urgency::VeryUrgent, Urgency::Flash] {
            assert_eq!(
                send_by(&cal, day("2026-03-06"), u),
                day("2026-03-06"),
                "{u}"
            );
            assert!(send_is_late(&cal, day("2026-03-06"), u, day("2026-03-07")));
        }
    }

    #[test]
    fn an_arrival_is_confirmed_the_same_day() {
        assert_eq!(confirm_receipt_by(day("2026-03-05")), day("2026-03-05"));
        assert!(!receipt_is_late(day("2026-03-05"), day("2026-03-05")));
        assert!(receipt_is_late(day("2026-03-05"), day("2026-03-06")));
    }

    proptest! {
        /// Whatever the day of signature, an ordinary document's last day is a working day
        /// after it, and no working day lies strictly between them.
        #[test]
        fn the_last_day_to_send_is_the_first_working_day_after_the_signature(offset in 0i64..800) {
            let cal = WorkCalendar::new([
                (day("2026-09-02"), DayKind::Holiday),
                (day("2027-01-01"), DayKind::Holiday),
            ]);
            let signed = day("2026-01-01") + chrono::Duration::days(offset);
            let last = send_by(&cal, signed, Urgency::Normal);
            prop_assert!(last > signed);
            prop_assert!(cal.is_working_day(last));
            let mut d = signed.succ_opt().unwrap();
            while d < last {
                prop_assert!(!cal.is_working_day(d));
                d = d.succ_opt().unwrap();
            }
        }
    }
}

//! Every operation of each provider's spec is reached through its spec-derived descriptor,
//! and no client call bypasses one.
//!
//! A recording layer (added where a merchant adds theirs, `ClientBuilder::layer`) sees every
//! request the clients send against the sandbox, with the operation id the transport carries
//! in `RequestMeta`. Each request must be a request of the descriptor with that id (same
//! method, path matching its template), and every `operationId` of the spec must be seen.
//! The only ids outside the specs are PayEx's hypermedia calls (`followLink`,
//! `invokeOperation`), whose path is a link PayEx returned.

use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use bytes::Bytes;
use http::Method;
use mypages_models::{Currency, Sensitive};
use mypages_sandbox::credentials::{
    AVARDA_CLIENT_ID, AVARDA_CLIENT_SECRET, AVARDA_PURCHASE_ID, P4P_ACCOUNT_ID, P4P_KEY,
    PAYEX_LEDGER, PAYEX_TOKEN,
};
use mypages_transport::{ClientBuilder, Operation, RequestMeta};
use tower_layer::Layer;
use tower_service::Service;

use crate::support::{self, TODAY, dec};

/// One request as the recording layer saw it: operation id, method and path.
type Seen = (&'static str, Method, String);

/// What the recording layer saw, every request in order.
#[derive(Clone, Default)]
struct Recorder {
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl Recorder {
    fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }

    fn install(&self, builder: ClientBuilder) -> ClientBuilder {
        builder.layer(self.clone())
    }
}

impl<S> Layer<S> for Recorder {
    type Service = Recording<S>;

    fn layer(&self, inner: S) -> Recording<S> {
        Recording {
            inner,
            seen: self.seen.clone(),
        }
    }
}

#[derive(Clone)]
struct Recording<S> {
    inner: S,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl<S: Service<http::Request<Bytes>>> Service<http::Request<Bytes>> for Recording<S> {
    type Response = S::Response;
    type Error = S::Error;
    type Future = S::Future;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: http::Request<Bytes>) -> S::Future {
        let id = request
            .extensions()
            .get::<RequestMeta>()
            .map_or("<no operation>", |meta| meta.operation);
        self.seen.lock().unwrap().push((
            id,
            request.method().clone(),
            request.uri().path().to_owned(),
        ));
        self.inner.call(request)
    }
}

/// Checks every request against the descriptor its id names, and that every operation of
/// `all` was reached.
fn check(provider: &str, prefix: &str, all: &[&Operation], seen: &[Seen], hypermedia: &[&str]) {
    let mut reached: Vec<&str> = Vec::new();
    for (id, method, path) in seen {
        let path = path.strip_prefix(prefix).unwrap_or(path);
        if hypermedia.contains(id) {
            continue;
        }
        let Some(operation) = all.iter().find(|op| op.id() == *id) else {
            panic!(
                "{provider}: {method} {path} was sent as `{id}`, which is not an operation of the spec"
            );
        };
        assert!(
            operation.matches(method, path),
            "{provider}: `{id}` sent {method} {path}, but the spec says {} {}",
            operation.method(),
            operation.path_template()
        );
        reached.push(id);
    }
    reached.sort_unstable();
    reached.dedup();
    let mut missing: Vec<&str> = all
        .iter()
        .map(|op| op.id())
        .filter(|id| !reached.contains(id))
        .collect();
    missing.sort_unstable();
    assert!(
        missing.is_empty(),
        "{provider}: operations of the spec no client call reached: {missing:?}"
    );
}

#[tokio::test]
async fn every_payex_operation_is_reached_through_its_descriptor() {
    use futures_util::TryStreamExt;
    use payex_client::PayexClient;
    use payex_client::models::{
        AccountUpdate, CardRegistration, CardUpdate, PaymentMethod, PaymentScope, PspPayment,
        RecurringPaymentConfigurationCreate, RecurringPaymentConfigurationUpdate,
    };

    let sandbox = support::sandbox().await;
    let recorder = Recorder::default();
    let payex = PayexClient::builder()
        .base_url(sandbox.payex_url())
        .ledger(PAYEX_LEDGER)
        .token(PAYEX_TOKEN.into())
        .transport(|t| recorder.install(t))
        .build()
        .unwrap();
    let main = "5000001";
    let accounts = payex.accounts();
    let account = accounts.get(main).await.unwrap();
    accounts.list().customer_no("100001").all().await.unwrap();
    let _ = accounts
        .update(main, &AccountUpdate::new().with_charity_donation(true))
        .await;
    let _ = accounts
        .register_psp_payment(
            main,
            &PspPayment::new(dec("1.00"), TODAY, "ops-1".to_owned()),
        )
        .await;
    let bills = payex.bills(main).list().all().await.unwrap();
    let _ = payex.bills(main).get("bill-2003").await;
    let _ = payex
        .bills(main)
        .document("bill-2003")
        .download_to(&mut Vec::new())
        .await;
    let cards = payex.cards(main);
    let card = CardRegistration::new(Sensitive::from("ops-card-1".to_owned()));
    let _ = cards.add(&card).await;
    let _ = cards.list().all().await;
    let _ = cards.get("ops-card-1").await;
    let _ = cards
        .update("ops-card-1", &CardUpdate::new().with_main_card(true))
        .await;
    let replacement = CardRegistration::new(Sensitive::from("ops-card-2".to_owned()));
    let _ = cards.add_replacement("ops-card-1", &replacement).await;
    let _ = payex
        .transactions(main)
        .list()
        .items()
        .try_collect::<Vec<_>>()
        .await;
    let _ = payex.reservations(main).all().await;
    let recurring = payex.recurring_payments(main);
    let _ = recurring
        .create(&RecurringPaymentConfigurationCreate::new(
            PaymentMethod::Autogiro,
            PaymentScope::TotalDebt,
        ))
        .await;
    let _ = recurring.get().await;
    let _ = recurring
        .update(
            &RecurringPaymentConfigurationUpdate::new()
                .with_payment_method(PaymentMethod::Autogiro),
        )
        .await;
    let _ = recurring.delete().await;
    let _ = payex.active_payment_orders(main).all().await;
    let _ = payex.customer("100001").await;
    let _ = accounts.request_close(main).await;
    // Hypermedia: a link the account gave, and an operation it advertises.
    let bills_link = account.bills.clone().unwrap();
    let _ = payex
        .follow_list::<payex_client::models::BillList>(&bills_link)
        .all()
        .await;
    assert!(!bills.is_empty());

    check(
        "payex",
        "/payex",
        &payex_client::operations::ALL,
        &recorder.seen(),
        &["followLink", "invokeOperation"],
    );
}

#[tokio::test]
async fn every_payfunc_operation_is_reached_through_its_descriptor() {
    use p4p_client::P4pClient;
    use p4p_client::models::{
        AccountCreatable, AccountId, AccountUpdate, Customer, Frequency, Items, OrderCreatable,
        OrderId, Payment, PaymentType, Schedule, SubscriptionCreatable, SubscriptionId,
        SubscriptionUpdate,
    };

    let sandbox = support::sandbox().await;
    let recorder = Recorder::default();
    let p4p = P4pClient::builder()
        .base_url(sandbox.p4p_url())
        .key(P4P_KEY)
        .transport(|t| recorder.install(t))
        .build()
        .unwrap();
    let id = AccountId::new(P4P_ACCOUNT_ID).unwrap();
    let accounts = p4p.accounts();
    let _ = accounts.create(&AccountCreatable::new(Vec::new())).await;
    let _ = accounts.list().await;
    let _ = accounts.get(id.clone()).await;
    let _ = accounts.update(&id, &AccountUpdate::new()).await;
    let _ = accounts.create_key(&id).await;
    let _ = accounts
        .replace_customer(id.clone(), &Customer::new())
        .await;
    let _ = accounts.create_login_link(id.clone()).await;
    let _ = accounts
        .add_card(&id, &payex_client::SecretString::from("tok_ops"))
        .await;
    let _ = p4p
        .balance()
        .add(id.clone(), &Items::Amount(dec("1.00")))
        .await;
    let _ = p4p.balance().settle(&id).await;
    let subscription = SubscriptionCreatable::new(
        Items::Amount(dec("9.00")),
        Currency::Sek,
        Schedule::Frequency(Frequency::Monthly),
    );
    let subs = p4p.subscriptions();
    let _ = subs.create(&id, &subscription).await;
    let sub = SubscriptionId::new("sub1").unwrap();
    let _ = subs.replace(&id, &sub, &subscription).await;
    let _ = subs.update(&id, &sub, &SubscriptionUpdate::new()).await;
    let _ = subs.end(id.clone(), &sub).await;
    let order = OrderCreatable::new(
        Items::Amount(dec("10.00")),
        Currency::Sek,
        Payment::new()
            .with_type(PaymentType::Card)
            .with_account(id.clone()),
    );
    let _ = p4p.orders().create(&order).await;
    let _ = p4p
        .orders()
        .cancel(&OrderId::new("opsorder00000001").unwrap())
        .await;

    check(
        "p4p",
        "/p4p",
        &p4p_client::operations::ALL,
        &recorder.seen(),
        &[],
    );
}

#[tokio::test]
async fn every_avarda_operation_is_reached_through_its_descriptor() {
    use avarda_client::models::PayRequest;
    use avarda_client::{AvardaClient, Customer, TokenProvider};

    let sandbox = support::sandbox().await;
    let recorder = Recorder::default();
    let avarda = AvardaClient::builder()
        .base_url(sandbox.avarda_url())
        .credentials(AVARDA_CLIENT_ID, AVARDA_CLIENT_SECRET)
        .transport(|t| recorder.install(t))
        .build()
        .unwrap();
    let me = Customer::new(
        mypages_sandbox::credentials::AVARDA_CUSTOMER_TOKEN,
        TokenProvider::Own,
    )
    .with_return_url("https://shop.example/my-pages");
    let invoices = avarda
        .invoices()
        .list(&me, AVARDA_PURCHASE_ID)
        .await
        .unwrap();
    let invoice = &invoices[0];
    let _ = avarda
        .invoices()
        .get(&me, AVARDA_PURCHASE_ID, &invoice.id)
        .await;
    let _ = avarda.accounts().list(&me, AVARDA_PURCHASE_ID).await;
    let _ = avarda
        .accounts()
        .get(&me, AVARDA_PURCHASE_ID, &invoice.id)
        .await;
    let session = avarda
        .pay()
        .start(&PayRequest::new(invoice.id.clone()))
        .await;
    if let Ok(Some(session)) = session {
        let _ = avarda.pay().status(&session.purchase_id, &invoice.id).await;
    } else {
        let _ = avarda.pay().status("P1", &invoice.id).await;
    }

    check(
        "avarda",
        "/avarda",
        &avarda_client::operations::ALL,
        &recorder.seen(),
        &[],
    );
}

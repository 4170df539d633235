//! The diesel schema, kept by hand in portable types that mean the same on both engines.

diesel::table! {
    settings (key) {
        key -> Text,
        value -> Text,
    }
}

diesel::table! {
    agencies (id) {
        id -> Text,
        code -> Text,
        name -> Text,
        kind -> Text,
        parent_id -> Nullable<Text>,
        issuance_prefix -> Nullable<Text>,
        registration_prefix -> Nullable<Text>,
        filing_authority_id -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    users (id) {
        id -> Text,
        username -> Text,
        password_hash -> Text,
        agency_id -> Nullable<Text>,
        roles -> Text,
        created_at -> Timestamp,
        disabled -> Bool,
        token_epoch -> BigInt,
        kept_token_id -> Nullable<Text>,
        password_change_required -> Bool,
        temporary_password_until -> Nullable<Timestamp>,
    }
}

diesel::table! {
    login_throttle (key) {
        key -> Text,
        failures -> Integer,
        last_failure_at -> Timestamp,
    }
}

diesel::table! {
    calendar_days (day) {
        day -> Date,
        name -> Text,
        is_off_day -> Bool,
    }
}

diesel::table! {
    number_series (kind, prefix, year) {
        kind -> Text,
        prefix -> Text,
        year -> Integer,
        last_value -> Integer,
    }
}

diesel::table! {
    documents (id) {
        id -> Text,
        lineage_id -> Text,
        version -> Integer,
        agency_id -> Text,
        status -> Text,
        title -> Text,
        body -> Text,
        revision -> Integer,
        provisional -> Bool,
        validity_years -> Nullable<Integer>,
        legal_basis -> Nullable<Text>,
        drafting_notes -> Nullable<Text>,
        affects_rights -> Bool,
        review_due_on -> Nullable<Date>,
        meeting -> Nullable<Text>,
        decided_on -> Nullable<Date>,
        issuance_number -> Nullable<Text>,
        registration_number -> Nullable<Text>,
        published_on -> Nullable<Date>,
        effective_on -> Nullable<Date>,
        valid_until -> Nullable<Date>,
        channel -> Nullable<Text>,
        early_effect_reason -> Nullable<Text>,
        ended_state -> Nullable<Text>,
        ended_on -> Nullable<Date>,
        ended_reason -> Nullable<Text>,
        ended_by_document_id -> Nullable<Text>,
        supersedes_id -> Nullable<Text>,
        superseded_by_id -> Nullable<Text>,
        imported -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    document_revisions (document_id, revision) {
        document_id -> Text,
        revision -> Integer,
        title -> Text,
        body -> Text,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    reviews (id) {
        id -> Text,
        document_id -> Text,
        revision -> Integer,
        reviewer_id -> Text,
        conclusion -> Text,
        opinion -> Text,
        findings -> Text,
        responses -> Nullable<Text>,
        due_on -> Nullable<Date>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    document_events (id) {
        id -> BigInt,
        document_id -> Text,
        actor_id -> Nullable<Text>,
        at -> Timestamp,
        action -> Text,
        from_status -> Nullable<Text>,
        to_status -> Nullable<Text>,
        reason -> Nullable<Text>,
        payload -> Nullable<Text>,
        seq -> Nullable<BigInt>,
        prev_hash -> Nullable<Text>,
        hash -> Nullable<Text>,
        /// PostgreSQL: the writing transaction (search_feed); NULL on SQLite.
        tx -> Nullable<BigInt>,
    }
}

diesel::table! {
    audit_events (id) {
        id -> BigInt,
        subject -> Text,
        seq -> BigInt,
        actor_id -> Nullable<Text>,
        at -> Timestamp,
        action -> Text,
        detail -> Nullable<Text>,
        prev_hash -> Text,
        hash -> Text,
    }
}

diesel::table! {
    history_heads (chain) {
        chain -> Text,
        length -> BigInt,
        head -> Text,
    }
}

diesel::table! {
    checkpoints (seq) {
        seq -> BigInt,
        made_at -> Timestamp,
        root -> Text,
        previous -> Text,
        hash -> Text,
        chain_count -> BigInt,
        moved_count -> BigInt,
    }
}

diesel::table! {
    checkpoint_heads (chain, length) {
        checkpoint_seq -> BigInt,
        chain -> Text,
        length -> BigInt,
        head -> Text,
    }
}

diesel::table! {
    filings (id) {
        id -> Text,
        document_id -> Text,
        agency_id -> Text,
        authority_id -> Text,
        report -> Text,
        materials -> Text,
        submitted_on -> Date,
        due_on -> Date,
        on_time -> Bool,
        complete -> Bool,
        status -> Text,
        decision_reason -> Nullable<Text>,
        correction_due_on -> Nullable<Date>,
        decided_on -> Nullable<Date>,
        decided_by -> Nullable<Text>,
        resubmissions -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        found_unlawful -> Bool,
    }
}

diesel::table! {
    interpretations (id) {
        id -> Text,
        document_id -> Text,
        agency_id -> Text,
        title -> Text,
        body -> Text,
        issued_on -> Date,
        issuance_number -> Nullable<Text>,
        created_by -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    cleanup_campaigns (id) {
        id -> Text,
        agency_id -> Text,
        name -> Text,
        year -> Integer,
        status -> Text,
        opened_on -> Date,
        closed_on -> Nullable<Date>,
        opened_by -> Text,
        closed_by -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    cleanup_items (campaign_id, document_id) {
        campaign_id -> Text,
        document_id -> Text,
        position -> Integer,
        outcome -> Nullable<Text>,
        reason -> Nullable<Text>,
        by_document_id -> Nullable<Text>,
        decided_on -> Nullable<Date>,
        decided_by -> Nullable<Text>,
        applied_on -> Nullable<Date>,
        amendment_id -> Nullable<Text>,
    }
}

diesel::table! {
    catalogues (id) {
        id -> Text,
        agency_id -> Text,
        year -> Integer,
        as_of -> Date,
        frozen_at -> Timestamp,
        frozen_by -> Nullable<Text>,
        entry_count -> Integer,
        content_hash -> Text,
        previous_id -> Nullable<Text>,
        checkpoint_hash -> Nullable<Text>,
    }
}

diesel::table! {
    catalogue_entries (catalogue_id, position) {
        catalogue_id -> Text,
        position -> Integer,
        document_id -> Text,
        lineage_id -> Text,
        title -> Text,
        issuance_number -> Nullable<Text>,
        registration_number -> Nullable<Text>,
        published_on -> Date,
        effective_on -> Date,
        valid_until -> Date,
        body -> Text,
        official_text_sha256 -> Nullable<Text>,
    }
}

diesel::table! {
    catalogue_changes (catalogue_id, change, document_id) {
        catalogue_id -> Text,
        change -> Text,
        document_id -> Text,
        title -> Text,
        issuance_number -> Nullable<Text>,
        registration_number -> Nullable<Text>,
        on_date -> Nullable<Date>,
        reason -> Nullable<Text>,
    }
}

diesel::table! {
    expiry_watch (document_id) {
        document_id -> Text,
        valid_until -> Date,
    }
}

diesel::table! {
    review_suggestions (id) {
        id -> Text,
        tracking_code -> Text,
        document_id -> Text,
        authority_id -> Text,
        content -> Text,
        contact -> Nullable<Text>,
        client_key -> Text,
        status -> Text,
        received_on -> Date,
        due_on -> Date,
        reply -> Nullable<Text>,
        outcome -> Nullable<Text>,
        replied_on -> Nullable<Date>,
        replied_by -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    /// Stored dates outside the default date range, as migration `…_date_range` found them.
    date_anomalies (table_name, row_key, column_name) {
        table_name -> Text,
        row_key -> Text,
        column_name -> Text,
        stored_value -> Text,
    }
}

diesel::table! {
    consultations (id) {
        id -> Text,
        document_id -> Text,
        agency_id -> Text,
        revision -> Integer,
        title -> Text,
        body -> Text,
        drafting_notes -> Nullable<Text>,
        opens_on -> Date,
        closes_on -> Date,
        affects_businesses -> Bool,
        short_period_reason -> Nullable<Text>,
        opened_by -> Text,
        created_at -> Timestamp,
        closed_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    consultation_comments (id) {
        id -> Text,
        consultation_id -> Text,
        tracking_code -> Text,
        content -> Text,
        article -> Nullable<Text>,
        name -> Nullable<Text>,
        contact -> Nullable<Text>,
        client_key -> Text,
        received_at -> Timestamp,
        disposition -> Nullable<Text>,
        reason -> Nullable<Text>,
        summary -> Nullable<Text>,
        disposed_on -> Nullable<Date>,
        disposed_by -> Nullable<Text>,
    }
}

diesel::table! {
    consultation_exemptions (id) {
        id -> Text,
        document_id -> Text,
        reason -> Text,
        recorded_by -> Text,
        recorded_at -> Timestamp,
    }
}

diesel::table! {
    document_citations (document_id, position) {
        document_id -> Text,
        position -> Integer,
        field -> Text,
        kind -> Text,
        start_char -> Integer,
        end_char -> Integer,
        text -> Text,
        cite_key -> Text,
        cited_document_id -> Nullable<Text>,
        law_title -> Nullable<Text>,
    }
}

diesel::table! {
    citation_scans (document_id) {
        document_id -> Text,
        revision -> Integer,
    }
}

diesel::table! {
    document_files (id) {
        id -> Text,
        document_id -> Text,
        agency_id -> Text,
        kind -> Text,
        version -> Integer,
        name -> Text,
        content_type -> Text,
        size -> BigInt,
        sha256 -> Text,
        chunks -> Integer,
        uploaded_by -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    file_chunks (file_id, n) {
        file_id -> Text,
        n -> Integer,
        bytes -> Binary,
    }
}

diesel::allow_tables_to_appear_in_same_query!(
    settings,
    agencies,
    users,
    login_throttle,
    calendar_days,
    number_series,
    documents,
    document_revisions,
    reviews,
    document_events,
    filings,
    interpretations,
    cleanup_campaigns,
    cleanup_items,
    catalogues,
    catalogue_entries,
    catalogue_changes,
    review_suggestions,
    history_heads,
    checkpoints,
    checkpoint_heads,
    audit_events,
    consultations,
    consultation_comments,
    consultation_exemptions,
    document_citations,
    citation_scans,
    document_files,
    file_chunks,
);

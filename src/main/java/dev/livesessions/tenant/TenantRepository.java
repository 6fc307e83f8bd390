package dev.livesessions.tenant;

import org.springframework.data.jpa.repository.JpaRepository;

import java.util.Optional;

interface TenantRepository extends JpaRepository<Tenant, String> {

    Optional<Tenant> findByWhatsappPhoneNumberId(String phoneNumberId);
}
